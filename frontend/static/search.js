/* Annuaire : la recherche de professionnels (page /, /embed et widget.js).
 *
 * Annuaire.mountSearch(élément, options) construit le formulaire, la liste et la carte dans
 * l'élément. options : apiBase (origine de l'API, "" = la même), history ("push" : l'adresse de
 * la page porte la recherche ; "none"), profession / specialty (codes fixés), place (lieu de
 * départ), fixedPlace, radiusKm, map (booléen), compact, tileUrl, tileAttribution, outlinesUrl.
 * Les données de l'API sont toujours posées en texte (textContent), jamais en HTML. */
(function () {
  "use strict";
  var A = window.Annuaire;
  var h = A.h;
  var PER_PAGE = 10;
  var MAX_WINDOW = 10000;
  var RADII = [1, 2, 5, 10, 20, 50, 100];
  var DEFAULT_RADIUS = 10;
  var SECTORS = [["1", "Secteur 1"], ["1-dp", "Secteur 1 avec dépassement permanent"], ["2", "Secteur 2"],
    ["nc", "Non conventionné"]];
  var MODES = [["L", "Libéral"], ["S", "Salarié"], ["B", "Bénévole"]];
  var PLACE_TYPES = { commune: "commune", postal_code: "code postal", departement: "département" };
  /* Les mots que l'on tape et que les libellés officiels n'ont pas (comme l'API). */
  var KEYWORDS = {
    "10": "docteur", "21": "pharmacie", "40": "dentiste", "50": "maieuticien", "60": "infirmiere",
    "70": "kine kinesitherapeute", "80": "podologue pedicure", "91": "orthophonie", "92": "orthoptie",
    SM54: "generaliste medecin traitant", SM53: "generaliste", SM26: "generaliste", SM40: "pediatre",
    SM38: "ophtalmologue ophtalmologiste", SM15: "dermatologue", SM04: "cardiologue", SM73: "cardiologue",
    SM20: "gynecologue", SM19: "gynecologue", SM42: "psychiatre", SM43: "pedopsychiatre", SM39: "orl",
    SM34: "orl", SM02: "anesthesiste", SM44: "radiologue", SM74: "radiologue", SM48: "rhumatologue",
    SM32: "neurologue", SM41: "pneumologue", SM24: "gastro enterologue", SM16: "endocrinologue",
    SM62: "endocrinologue diabetologue", SM30: "nephrologue", SM12: "urologue", SM08: "orthopediste",
    SM18: "geriatre", SM57: "allergologue", SM61: "angiologue"
  };

  function round(value, digits) {
    var factor = Math.pow(10, digits);
    return Math.round(value * factor) / factor;
  }

  function fullName(result) {
    return [result.civilite, result.prenom, result.nom].filter(Boolean).join(" ");
  }

  function whatText(result) {
    var parts = [result.profession ? result.profession.label : ""];
    (result.specialties || []).forEach(function (s) { if (s && s.label) parts.push(s.label); });
    return parts.filter(Boolean).join(" · ");
  }

  function modeLabel(code) {
    for (var i = 0; i < MODES.length; i++) if (MODES[i][0] === code) return MODES[i][1];
    return null;
  }

  function blankState(options) {
    return { q: "", profession: [], specialty: [], place: null, radius: options.radiusKm || DEFAULT_RADIUS,
      sector: [], optam: false, carteVitale: false, mode: [], page: 1, fiche: null };
  }

  function toParams(state, withFiche) {
    var place = state.place;
    var params = { q: state.q || null, profession: state.profession, specialty: state.specialty,
      lieu: place ? place.label : null,
      lat: place && place.lat !== undefined ? place.lat : null,
      lon: place && place.lon !== undefined ? place.lon : null,
      departement: place && place.departement ? place.departement : null,
      radius_km: place && place.lat !== undefined && state.radius !== DEFAULT_RADIUS ? state.radius : null,
      sector: state.sector, optam: state.optam ? "true" : null, carte_vitale: state.carteVitale ? "true" : null,
      mode: state.mode, page: state.page > 1 ? state.page : null };
    if (withFiche) params.fiche = state.fiche;
    return A.query(params);
  }

  function fromParams(search, options) {
    var params = new URLSearchParams(search);
    var state = blankState(options);
    state.q = params.get("q") || "";
    state.profession = params.getAll("profession");
    state.specialty = params.getAll("specialty");
    state.sector = params.getAll("sector");
    state.mode = params.getAll("mode");
    state.optam = params.get("optam") === "true";
    state.carteVitale = params.get("carte_vitale") === "true";
    var radius = Number(params.get("radius_km"));
    if (radius >= 0.1 && radius <= 100) state.radius = radius;
    var page = parseInt(params.get("page"), 10);
    state.page = page > 0 ? page : 1;
    state.fiche = params.get("fiche") || null;
    var lat = parseFloat(params.get("lat"));
    var lon = parseFloat(params.get("lon"));
    var label = params.get("lieu");
    if (params.get("lat") !== null && params.get("lon") !== null && isFinite(lat) && isFinite(lon)) {
      state.place = { label: label || "Point choisi", lat: lat, lon: lon };
    } else if (params.get("departement")) {
      state.place = { label: label || "Département " + params.get("departement"), departement: params.get("departement") };
    }
    return state;
  }

  function placeFromSuggestion(place) {
    if (place.type === "departement") return { label: place.label, departement: place.code };
    return { label: place.label, lat: place.lat, lon: place.lon };
  }

  function Search(root, options) {
    this.root = root;
    this.options = options;
    this.api = options.apiBase || "";
    this.historyMode = options.history === "push";
    this.state = blankState(options);
    this.whatChoice = null;
    this.placeChoice = null;
    this.seq = 0;
    this.items = [];
    this.activeIndex = -1;
    this.searched = false;
    this.lastKey = null;
    this.build();
    this.nomenclatureRequest = null;
    this.nomenclatures();
    this.start();
  }

  /* The code lists, asked for once; asked for again on next use if the request failed. */
  Search.prototype.nomenclatures = function () {
    var self = this;
    if (!this.nomenclatureRequest) {
      this.nomenclatureRequest = this.loadNomenclatures().catch(function () {
        self.nomenclatureRequest = null;
        return { labels: { profession: {}, specialty: {} }, entries: [] };
      });
    }
    return this.nomenclatureRequest;
  };

  Search.prototype.loadNomenclatures = function () {
    var api = this.api;
    return Promise.all([A.getJSON(api + "/api/v1/professions"), A.getJSON(api + "/api/v1/specialties")])
      .then(function (lists) {
        var labels = { profession: {}, specialty: {} };
        var entries = [];
        [["profession", lists[0]], ["specialty", lists[1]]].forEach(function (pair) {
          (pair[1] || []).forEach(function (entry) {
            labels[pair[0]][entry.code] = entry.label;
            entries.push({ kind: pair[0], code: entry.code, label: entry.label, count: entry.count || 0,
              words: A.normalize(entry.label + " " + (KEYWORDS[entry.code] || "")).split(" ") });
          });
        });
        return { labels: labels, entries: entries };
      });
  };

  /* ---- construction -------------------------------------------------------------------- */
  Search.prototype.build = function () {
    var self = this;
    var o = this.options;
    var root = this.root;
    A.clear(root);
    root.classList.add("annuaire");
    if (o.compact) root.classList.add("annuaire-compact");
    if (!o.map) root.classList.add("annuaire-no-map");
    var ids = { what: A.uid("quoi"), whatHint: A.uid("quoi-aide"), where: A.uid("ou"), whereHint: A.uid("ou-aide"),
      whereError: A.uid("ou-erreur"), radius: A.uid("rayon"), title: A.uid("resultats"), fiche: A.uid("fiche") };
    this.ids = ids;

    root.appendChild(A.demoNotice(this.api));

    this.whatInput = h("input", { id: ids.what, type: "text", name: "q", "aria-describedby": ids.whatHint,
      maxlength: 200, spellcheck: "false" });
    this.whereInput = h("input", { id: ids.where, type: "text", name: "lieu",
      "aria-describedby": ids.whereHint + " " + ids.whereError, maxlength: 100 });
    this.whereError = h("p", { id: ids.whereError, className: "annuaire-error", hidden: true });
    this.aroundButton = h("button", { type: "button", className: "annuaire-button annuaire-button-secondary",
      text: "Autour de moi", on: { click: function () { self.aroundMe(); } } });
    this.radiusSelect = h("select", { id: ids.radius, name: "radius_km" }, RADII.map(function (km) {
      return h("option", { value: km, text: km + " km" });
    }));
    this.fixedWhat = h("p", { className: "annuaire-fixed", hidden: true });
    this.fixedWhere = h("p", { className: "annuaire-fixed", hidden: true });

    var whatField = h("div", { className: "annuaire-field" }, [
      h("label", { "for": ids.what }, ["Qui cherchez-vous ?",
        h("span", { id: ids.whatHint, className: "annuaire-hint", text: "Profession, spécialité ou nom" })]),
      h("div", { className: "annuaire-combo" }, [this.whatInput]), this.fixedWhat]);
    var whereField = o.fixedPlace
      ? h("div", { className: "annuaire-field" }, [h("span", { className: "annuaire-label", text: "Où ?" }), this.fixedWhere])
      : h("div", { className: "annuaire-field" }, [
        h("label", { "for": ids.where }, ["Où ?",
          h("span", { id: ids.whereHint, className: "annuaire-hint", text: "Ville, code postal ou département" })]),
        h("div", { className: "annuaire-where" }, [h("div", { className: "annuaire-combo" }, [this.whereInput]),
          this.aroundButton]),
        this.whereError]);
    var radiusField = h("div", { className: "annuaire-field annuaire-field-small" }, [
      h("label", { "for": ids.radius, text: "Rayon" }), this.radiusSelect]);
    this.form = h("form", { className: "annuaire-form", role: "search", "aria-label": "Rechercher un professionnel de santé",
      novalidate: true, on: { submit: function (event) { event.preventDefault(); self.submit(); } } },
    [whatField, whereField, radiusField, h("button", { type: "submit", className: "annuaire-button", text: "Rechercher" })]);
    root.appendChild(this.form);

    new A.Combobox(this.whatInput, { listLabel: "Professions et spécialités", minLength: 2,
      source: function (text) { return self.suggestWhat(text); },
      onInput: function (value) { if (self.whatChoice && value !== self.whatChoice.label) self.whatChoice = null; },
      onSelect: function (item) { self.whatChoice = item; } });
    if (!o.fixedPlace) {
      new A.Combobox(this.whereInput, { listLabel: "Lieux", minLength: 2, delay: 200,
        source: function (text) { return self.suggestPlaces(text); },
        onInput: function (value) {
          self.clearWhereError();
          if (self.placeChoice && value !== self.placeChoice.label) self.placeChoice = null;
        },
        onSelect: function (item) { self.placeChoice = placeFromSuggestion(item.place); } });
    }
    this.radiusSelect.addEventListener("change", function () {
      self.state.radius = Number(self.radiusSelect.value);
      if (self.searched && self.state.place && self.state.place.lat !== undefined) self.refine();
    });

    /* filtres */
    this.checks = { sector: [], mode: [] };
    function checkbox(group, code, label) {
      var input = h("input", { type: "checkbox", value: code, on: { change: function () { self.readFilters(); self.refine(); } } });
      var count = h("span", { className: "annuaire-count" });
      if (group) self.checks[group].push({ code: code, input: input, count: count });
      return { input: input, count: count, node: h("label", { className: "annuaire-check" }, [input, h("span", null, [label, " ", count])]) };
    }
    var sectorBoxes = SECTORS.map(function (s) { return checkbox("sector", s[0], s[1]).node; });
    var modeBoxes = MODES.map(function (m) { return checkbox("mode", m[0], m[1]).node; });
    this.optamBox = checkbox(null, "true", "Adhérent OPTAM (dépassements maîtrisés)");
    this.carteVitaleBox = checkbox(null, "true", "Accepte la carte Vitale");
    var narrow = window.matchMedia && window.matchMedia("(max-width: 40rem)").matches;
    this.filters = h("details", { className: "annuaire-filters", open: !o.compact && !narrow }, [
      h("summary", { text: "Filtres" }),
      h("fieldset", null, [h("legend", { text: "Secteur de convention" })].concat(sectorBoxes)),
      h("fieldset", null, [h("legend", { text: "Tarifs et paiement" }), this.optamBox.node, this.carteVitaleBox.node]),
      h("fieldset", null, [h("legend", { text: "Mode d'exercice" })].concat(modeBoxes))]);

    /* résultats */
    this.title = h("h2", { id: ids.title, tabindex: "-1", text: "Résultats" });
    this.summary = h("p", { className: "annuaire-summary", role: "status", "aria-live": "polite", "aria-atomic": "true" });
    this.intro = h("p", { className: "annuaire-intro",
      text: "Indiquez une profession, une spécialité ou un nom, et un lieu, puis lancez la recherche." });
    this.list = h("ol", { className: "annuaire-list", "aria-labelledby": ids.title });
    this.prevButton = h("button", { type: "button", className: "annuaire-button annuaire-button-secondary",
      text: "Page précédente", on: { click: function () { self.goToPage(self.state.page - 1); } } });
    this.nextButton = h("button", { type: "button", className: "annuaire-button annuaire-button-secondary",
      text: "Page suivante", on: { click: function () { self.goToPage(self.state.page + 1); } } });
    this.pageInfo = h("span", { className: "annuaire-page-info" });
    this.pager = h("nav", { className: "annuaire-pager", "aria-label": "Pages de résultats", hidden: true },
      [this.prevButton, this.pageInfo, this.nextButton]);
    this.results = h("section", { className: "annuaire-results", "aria-labelledby": ids.title },
      [this.title, this.summary, this.intro, this.list, this.pager]);
    this.mapNode = h("div", { className: "annuaire-map" });
    this.mapWrap = h("div", { className: "annuaire-map-wrap", hidden: true }, [this.mapNode,
      h("p", { className: "annuaire-map-note", text: "La carte reprend les résultats de la liste, avec les mêmes numéros." })]);
    root.appendChild(h("div", { className: "annuaire-layout" }, [this.filters, this.results, o.map ? this.mapWrap : null]));

    /* la fiche */
    this.ficheTitle = h("h2", { id: ids.fiche });
    this.ficheBody = h("div", { className: "annuaire-dialog-body" });
    this.dialog = h("dialog", { className: "annuaire-dialog", "aria-labelledby": ids.fiche }, [
      h("div", { className: "annuaire-dialog-head" }, [this.ficheTitle,
        h("button", { type: "button", className: "annuaire-button annuaire-button-secondary", text: "Fermer",
          on: { click: function () { self.dialog.close(); } } })]),
      this.ficheBody]);
    this.dialog.addEventListener("close", function () { self.onFicheClosed(); });
    this.dialog.addEventListener("click", function (event) { if (event.target === self.dialog) self.dialog.close(); });
    root.appendChild(this.dialog);
  };

  /* ---- suggestions --------------------------------------------------------------------- */
  Search.prototype.suggestWhat = function (text) {
    var o = this.options;
    var tokens = A.normalize(text).split(" ").filter(Boolean);
    return this.nomenclatures().then(function (n) {
      return n.entries.filter(function (entry) {
        if (!entry.count || (o.profession && entry.kind === "profession")) return false;
        return tokens.every(function (token) {
          return entry.words.some(function (word) { return word.indexOf(token) === 0; });
        });
      }).sort(function (a, b) { return b.count - a.count; }).slice(0, 8).map(function (entry) {
        return { label: entry.label, kind: entry.kind, code: entry.code,
          detail: (entry.kind === "profession" ? "profession" : "spécialité") + " · " + A.formatCount(entry.count) };
      });
    });
  };

  Search.prototype.suggestPlaces = function (text) {
    return A.getJSON(this.api + "/api/v1/places?" + A.query({ q: text.trim().slice(0, 100), limit: 8 }))
      .then(function (places) {
        return (places || []).map(function (place) {
          return { label: place.label, detail: PLACE_TYPES[place.type] || "", place: place };
        });
      });
  };

  /* ---- formulaire ↔ état ------------------------------------------------------------------ */
  Search.prototype.readWhat = function () {
    var text = this.whatInput.value.trim();
    var state = this.state;
    if (this.whatChoice && this.whatChoice.label === this.whatInput.value) {
      state.q = "";
      state.profession = this.whatChoice.kind === "profession" ? [this.whatChoice.code] : [];
      state.specialty = this.whatChoice.kind === "specialty" ? [this.whatChoice.code] : [];
    } else if (text !== this.whatShown) {
      state.q = text;
      state.profession = [];
      state.specialty = [];
    }
  };

  Search.prototype.readFilters = function () {
    var state = this.state;
    state.sector = this.checks.sector.filter(function (c) { return c.input.checked; }).map(function (c) { return c.code; });
    state.mode = this.checks.mode.filter(function (c) { return c.input.checked; }).map(function (c) { return c.code; });
    state.optam = this.optamBox.input.checked;
    state.carteVitale = this.carteVitaleBox.input.checked;
  };

  Search.prototype.showState = function () {
    var self = this;
    var state = this.state;
    this.checks.sector.forEach(function (c) { c.input.checked = state.sector.indexOf(c.code) >= 0; });
    this.checks.mode.forEach(function (c) { c.input.checked = state.mode.indexOf(c.code) >= 0; });
    this.optamBox.input.checked = state.optam;
    this.carteVitaleBox.input.checked = state.carteVitale;
    if (RADII.indexOf(state.radius) < 0) {
      this.radiusSelect.appendChild(h("option", { value: state.radius, text: state.radius + " km" }));
    }
    this.radiusSelect.value = String(state.radius);
    if (!this.options.fixedPlace) {
      this.whereInput.value = state.place ? state.place.label : "";
      this.placeChoice = state.place;
    }
    if (state.q) { this.whatInput.value = state.q; this.whatShown = state.q; this.whatChoice = null; return; }
    this.nomenclatures().then(function (n) {
      var kind = state.specialty.length ? "specialty" : (state.profession.length ? "profession" : null);
      if (!kind) { self.whatInput.value = ""; self.whatShown = ""; self.whatChoice = null; return; }
      var codes = state[kind];
      var label = codes.map(function (code) { return n.labels[kind][code] || code; }).join(", ");
      self.whatInput.value = label;
      self.whatShown = label;
      self.whatChoice = codes.length === 1 ? { kind: kind, code: codes[0], label: label } : null;
    });
  };

  Search.prototype.clearWhereError = function () {
    this.whereError.hidden = true;
    this.whereInput.removeAttribute("aria-invalid");
  };

  Search.prototype.showWhereError = function (message) {
    this.whereError.textContent = message;
    this.whereError.hidden = false;
    this.whereInput.setAttribute("aria-invalid", "true");
    this.whereInput.focus();
  };

  /* Le lieu tapé sans choisir de suggestion : la première suggestion de l'API. */
  Search.prototype.resolveWhere = function () {
    var self = this;
    if (this.options.fixedPlace) return Promise.resolve(true);
    var text = this.whereInput.value.trim();
    if (!text) { this.state.place = null; return Promise.resolve(true); }
    if (this.placeChoice && this.placeChoice.label === text) {
      this.state.place = this.placeChoice;
      return Promise.resolve(true);
    }
    if (text.length < 2) { this.showWhereError("Saisissez au moins 2 caractères pour le lieu."); return Promise.resolve(false); }
    return A.getJSON(this.api + "/api/v1/places?" + A.query({ q: text.slice(0, 100), limit: 1 })).then(function (places) {
      if (!places || !places.length) {
        self.showWhereError("Lieu introuvable : « " + text + " ». Essayez un nom de commune ou un code postal.");
        return false;
      }
      self.state.place = self.placeChoice = placeFromSuggestion(places[0]);
      self.whereInput.value = self.state.place.label;
      return true;
    }, function (error) {
      self.showWhereError("Le lieu n'a pas pu être cherché : " + error.message);
      return false;
    });
  };

  Search.prototype.submit = function () {
    var self = this;
    this.readWhat();
    this.readFilters();
    this.clearWhereError();
    this.resolveWhere().then(function (ok) {
      if (!ok) return;
      self.state.page = 1;
      self.state.fiche = null;
      self.run({ push: true });
    });
  };

  Search.prototype.refine = function () {
    if (!this.searched) return;
    this.state.page = 1;
    this.run({ push: true });
  };

  Search.prototype.goToPage = function (page) {
    if (page < 1) return;
    this.state.page = page;
    this.run({ push: true, focusResults: true });
  };

  Search.prototype.aroundMe = function () {
    var self = this;
    var button = this.aroundButton;
    this.clearWhereError();
    if (!navigator.geolocation) {
      this.showWhereError("Votre navigateur ne donne pas votre position : saisissez un lieu.");
      return;
    }
    button.disabled = true;
    button.textContent = "Localisation…";
    navigator.geolocation.getCurrentPosition(function (position) {
      button.disabled = false;
      button.textContent = "Autour de moi";
      /* arrondi à ~100 m : l'adresse de la page, partageable, ne donne pas le domicile exact */
      self.state.place = self.placeChoice = { label: "Autour de moi",
        lat: round(position.coords.latitude, 3), lon: round(position.coords.longitude, 3) };
      self.whereInput.value = "Autour de moi";
      self.readWhat();
      self.readFilters();
      self.state.page = 1;
      self.state.fiche = null;
      self.run({ push: true });
    }, function (error) {
      button.disabled = false;
      button.textContent = "Autour de moi";
      self.showWhereError(error && error.code === 1
        ? "Vous n'avez pas autorisé la géolocalisation : saisissez un lieu."
        : "Votre position n'a pas pu être déterminée : saisissez un lieu.");
    }, { enableHighAccuracy: false, timeout: 10000, maximumAge: 300000 });
  };

  /* ---- recherche ----------------------------------------------------------------------- */
  Search.prototype.apiParams = function (state, overrides) {
    var o = this.options;
    var place = state.place;
    var params = { q: state.q || null,
      profession: o.profession ? [o.profession] : state.profession,
      specialty: o.specialty ? [o.specialty].concat(state.specialty.filter(function (c) { return c !== o.specialty; })) : state.specialty,
      sector: state.sector, optam: state.optam ? "true" : null, carte_vitale: state.carteVitale ? "true" : null,
      mode: state.mode, page: state.page, per_page: PER_PAGE };
    if (place && place.departement) params.departement = place.departement;
    else if (place) { params.lat = place.lat; params.lon = place.lon; params.radius_km = state.radius; }
    Object.keys(overrides || {}).forEach(function (key) { params[key] = overrides[key]; });
    return A.query(params);
  };

  Search.prototype.pushHistory = function (replace) {
    if (!this.historyMode) return;
    var query = toParams(this.state, true);
    var url = location.pathname + (query ? "?" + query : "");
    if (url === location.pathname + location.search) return;
    if (replace) history.replaceState({ annuaire: true }, "", url);
    else history.pushState({ annuaire: true, fiche: !!this.state.fiche }, "", url);
  };

  Search.prototype.run = function (how) {
    var self = this;
    how = how || {};
    var state = this.state;
    if (how.push) this.pushHistory(false);
    this.lastKey = toParams(state, false);
    this.searched = true;
    var seq = ++this.seq;
    if (this.controller) this.controller.abort();
    var controller = this.controller = new AbortController();
    this.results.setAttribute("aria-busy", "true");
    this.intro.hidden = true;
    this.summary.textContent = "Recherche en cours…";
    var url = this.api + "/api/v1/practitioners?";
    var requests = [A.getJSON(url + this.apiParams(state), controller.signal)];
    /* les comptes d'un groupe de cases ignorent ce groupe : cocher « Secteur 1 » laisse voir
       combien il y en a en secteur 2 */
    if (state.sector.length) {
      requests.push(A.getJSON(url + this.apiParams(state, { sector: [], page: 1, per_page: 1 }), controller.signal));
    }
    Promise.all(requests).then(function (answers) {
      if (seq !== self.seq) return;
      self.results.removeAttribute("aria-busy");
      self.render(answers[0], answers[1] ? answers[1].facets : answers[0].facets);
      if (how.focusResults) self.title.focus();
    }, function (error) {
      if (seq !== self.seq || (error && error.name === "AbortError")) return;
      self.results.removeAttribute("aria-busy");
      self.showError(error);
    });
  };

  Search.prototype.showError = function (error) {
    A.clear(this.list);
    this.pager.hidden = true;
    this.clearMarkers();
    this.summary.textContent = error && error.status === 503
      ? "Le service de recherche est momentanément indisponible. Réessayez dans un instant."
      : "La recherche n'a pas abouti : " + (error && error.message ? error.message : "erreur inconnue") + ".";
  };

  Search.prototype.whereText = function () {
    var place = this.state.place;
    if (!place) return "";
    if (place.departement) return " dans le département " + place.label;
    if (place.label === "Autour de moi") return " autour de vous (" + A.formatDistance(this.state.radius) + ")";
    return " à moins de " + A.formatDistance(this.state.radius) + " de " + place.label;
  };

  Search.prototype.render = function (page, facets) {
    var self = this;
    var state = this.state;
    var total = page.total || 0;
    var lastPage = Math.max(1, Math.min(Math.ceil(total / PER_PAGE), Math.floor(MAX_WINDOW / PER_PAGE)));
    var start = (state.page - 1) * PER_PAGE + 1;
    this.updateCounts(facets || {});
    A.clear(this.list);
    this.list.setAttribute("start", String(start));
    this.items = [];
    this.activeIndex = -1;
    if (!total) {
      this.summary.textContent = "Aucun professionnel trouvé" + this.whereText() +
        ". Élargissez le rayon, changez de lieu ou retirez un filtre.";
    } else {
      this.summary.textContent = A.plural(total, "professionnel trouvé", "professionnels trouvés") + this.whereText() +
        (lastPage > 1 ? " — page " + state.page + " sur " + lastPage : "") + ".";
    }
    (page.results || []).forEach(function (result, index) {
      self.items.push(self.renderItem(result, start + index, index));
    });
    this.pager.hidden = lastPage <= 1 && state.page <= 1;
    this.prevButton.disabled = state.page <= 1;
    this.nextButton.disabled = state.page >= lastPage;
    this.pageInfo.textContent = "Page " + state.page + " sur " + lastPage;
    this.updateMap();
  };

  Search.prototype.updateCounts = function (facets) {
    ["sector", "mode"].forEach(function (group) {
      var entries = facets[group];
      var counts = {};
      (entries || []).forEach(function (entry) { counts[entry.code] = entry.count; });
      this.checks[group].forEach(function (check) {
        check.count.textContent = entries ? "(" + A.formatCount(counts[check.code] || 0) + ")" : "";
      });
    }, this);
    [["optam", this.optamBox], ["carte_vitale", this.carteVitaleBox]].forEach(function (pair) {
      var entries = facets[pair[0]];
      var count = null;
      (entries || []).forEach(function (entry) { if (String(entry.code) === "true") count = entry.count; });
      pair[1].count.textContent = entries ? "(" + A.formatCount(count || 0) + ")" : "";
    });
  };

  Search.prototype.ficheHref = function (id) {
    if (!this.historyMode) return (this.api || "") + "/?fiche=" + encodeURIComponent(id);
    var saved = this.state.fiche;
    this.state.fiche = id;
    var query = toParams(this.state, true);
    this.state.fiche = saved;
    return location.pathname + "?" + query;
  };

  Search.prototype.renderItem = function (result, number, index) {
    var self = this;
    var name = fullName(result) || "Sans nom";
    var link = h("a", { href: this.ficheHref(result.id), className: "annuaire-result-link", on: { click: function (event) {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button === 1) return;
      event.preventDefault();
      self.openFiche(result.id, link, true);
    } } }, [h("span", { className: "annuaire-sr", text: number + ". " }), name]);
    var tags = [];
    if (result.sector) tags.push(h("span", { className: "annuaire-tag", text: result.sector.label }));
    if (result.optam === true) tags.push(h("span", { className: "annuaire-tag annuaire-tag-good", text: "OPTAM" }));
    if (result.carte_vitale === true) tags.push(h("span", { className: "annuaire-tag annuaire-tag-good", text: "Carte Vitale acceptée" }));
    if (result.carte_vitale === false) tags.push(h("span", { className: "annuaire-tag annuaire-tag-warn", text: "Carte Vitale non acceptée" }));
    if (modeLabel(result.mode)) tags.push(h("span", { className: "annuaire-tag", text: modeLabel(result.mode) }));
    var address = result.address || {};
    var item = h("li", { className: "annuaire-result", "data-id": result.id }, [
      h("span", { className: "annuaire-result-num", "aria-hidden": "true", text: number }),
      h("h3", null, [link]),
      h("p", { className: "annuaire-what", text: whatText(result) }),
      tags.length ? h("p", { className: "annuaire-tags" }, tags) : null,
      h("p", { className: "annuaire-address" }, [address.line || "", address.line ? h("br") : null,
        [address.postal_code, address.commune].filter(Boolean).join(" ")]),
      result.phone ? h("p", { className: "annuaire-phone-line" }, ["Tél. ",
        h("a", { href: A.phoneHref(result.phone), text: A.formatPhone(result.phone) })]) : null,
      result.distance_km !== null && result.distance_km !== undefined
        ? h("p", { className: "annuaire-distance", text: "À " + A.formatDistance(result.distance_km) +
          (result.location && result.location.precision === "municipality" ? " (centre de la commune)" : "") }) : null]);
    item.addEventListener("mouseenter", function () { self.setActive(index); });
    item.addEventListener("mouseleave", function () { self.setActive(-1); });
    item.addEventListener("focusin", function () { self.setActive(index); });
    this.list.appendChild(item);
    return { result: result, node: item, link: link, number: number, name: name, marker: null };
  };

  /* ---- carte ---------------------------------------------------------------------------- */
  Search.prototype.ensureMap = function () {
    if (!this.options.map || !window.L) return null;
    if (!this.map) {
      this.mapWrap.hidden = false;
      this.map = A.createMap(this.mapNode, { tileUrl: this.options.tileUrl, tileAttribution: this.options.tileAttribution,
        outlinesUrl: this.options.outlinesUrl, label: "Carte des résultats (la liste donne les mêmes informations)" });
      this.markerLayer = window.L.layerGroup().addTo(this.map);
    }
    return this.map;
  };

  Search.prototype.clearMarkers = function () {
    if (this.markerLayer) this.markerLayer.clearLayers();
  };

  Search.prototype.updateMap = function () {
    var self = this;
    var L = window.L;
    var map = this.ensureMap();
    if (!map) return;
    this.clearMarkers();
    var place = this.state.place;
    var points = [];
    this.items.forEach(function (item, index) {
      var location = item.result.location;
      if (!location || location.lat === null || location.lat === undefined || location.lon === null || location.lon === undefined) return;
      var marker = A.numberedMarker(location.lat, location.lon, item.number, item.name);
      marker.bindTooltip(h("span", { text: item.number + ". " + item.name }), { direction: "top", offset: [0, -12] });
      marker.on("mouseover", function () { self.setActive(index); });
      marker.on("mouseout", function () { self.setActive(-1); });
      marker.on("click", function () { self.select(index); });
      marker.addTo(self.markerLayer);
      marker.getElement().setAttribute("aria-label", item.number + ". " + item.name);
      item.marker = marker;
      points.push([location.lat, location.lon]);
    });
    var bounds = L.latLngBounds(points);
    if (place && place.lat !== undefined) {
      var circle = L.circle([place.lat, place.lon], { radius: this.state.radius * 1000, interactive: false,
        color: "#000091", weight: 1, opacity: 0.6, fillOpacity: 0.03 }).addTo(this.markerLayer);
      if (!points.length) bounds = circle.getBounds();
      else bounds.extend([place.lat, place.lon]);
    }
    this.mapNode.setAttribute("data-markers", String(points.length));
    map.invalidateSize();
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 14 });
  };

  Search.prototype.setActive = function (index) {
    var previous = this.items[this.activeIndex];
    if (previous) {
      previous.node.classList.remove("is-active");
      if (previous.marker && previous.marker.getElement()) {
        previous.marker.getElement().classList.remove("is-active");
        previous.marker.setZIndexOffset(0);
      }
    }
    this.activeIndex = index;
    var item = this.items[index];
    if (!item) return;
    item.node.classList.add("is-active");
    if (item.marker && item.marker.getElement()) {
      item.marker.getElement().classList.add("is-active");
      item.marker.setZIndexOffset(1000);
    }
  };

  /* Un clic (ou Entrée) sur un repère : l'élément de la liste est montré et reçoit le focus. */
  Search.prototype.select = function (index) {
    var item = this.items[index];
    if (!item) return;
    this.setActive(index);
    item.node.scrollIntoView({ block: "nearest" });
    item.link.focus({ preventScroll: true });
  };

  /* ---- la fiche ------------------------------------------------------------------------- */
  Search.prototype.openFiche = function (id, opener, push) {
    var self = this;
    this.opener = opener || null;
    if (this.historyMode && push) {
      this.state.fiche = id;
      this.pushHistory(false);
    }
    this.ficheTitle.textContent = "Chargement de la fiche…";
    A.clear(this.ficheBody);
    if (!this.dialog.open) this.dialog.showModal();
    A.getJSON(this.api + "/api/v1/practitioners/" + encodeURIComponent(id)).then(function (p) {
      self.renderFiche(p);
    }, function (error) {
      self.ficheTitle.textContent = "Fiche indisponible";
      self.ficheBody.appendChild(h("p", { className: "annuaire-alert", text: error.status === 404
        ? "Ce professionnel n'est plus dans l'annuaire." : "La fiche n'a pas pu être chargée : " + error.message }));
    });
  };

  function addressLines(address) {
    address = address || {};
    return [address.line || "", address.line ? h("br") : null, [address.postal_code, address.commune].filter(Boolean).join(" ")];
  }

  Search.prototype.renderFiche = function (p) {
    var rows = [];
    function row(term, value) { if (value) rows.push(h("dt", { text: term }), h("dd", null, value)); }
    this.ficheTitle.textContent = fullName(p) || "Sans nom";
    A.clear(this.ficheBody);
    row("Profession", p.profession ? p.profession.label : "");
    row((p.specialties || []).length > 1 ? "Spécialités" : "Spécialité",
      (p.specialties || []).map(function (s) { return s.label; }).join(", "));
    row("Convention", p.sector ? p.sector.label + (p.optam === true ? ", adhérent OPTAM" : p.optam === false ? ", non adhérent OPTAM" : "") : "");
    row("Carte Vitale", p.carte_vitale === true ? "acceptée" : p.carte_vitale === false ? "non acceptée" : "");
    row("Mode d'exercice", modeLabel(p.mode) || "");
    row("Lieu d'exercice", p.site_name || "");
    row("Adresse", addressLines(p.address));
    row("Téléphone", p.phone ? h("a", { href: A.phoneHref(p.phone), text: A.formatPhone(p.phone) }) : "");
    row("N° RPPS", p.rpps || "");
    this.ficheBody.appendChild(h("dl", null, rows));
    if (p.location && p.location.precision === "municipality") {
      this.ficheBody.appendChild(h("p", { className: "annuaire-meta",
        text: "Sur la carte, ce professionnel est placé au centre de sa commune : l'adresse exacte n'a pas été localisée." }));
    }
    var others = p.other_places || [];
    if (others.length) {
      this.ficheBody.appendChild(h("h3", { text: "Autres lieux d'exercice" }));
      this.ficheBody.appendChild(h("ul", null, others.map(function (other) {
        return h("li", null, [other.site_name ? h("strong", { text: other.site_name }) : null, other.site_name ? h("br") : null]
          .concat(addressLines(other.address))
          .concat(other.phone ? [h("br"), "Tél. ", h("a", { href: A.phoneHref(other.phone), text: A.formatPhone(other.phone) })] : []));
      })));
    }
  };

  Search.prototype.onFicheClosed = function () {
    if (this.historyMode && this.state.fiche) {
      this.state.fiche = null;
      if (history.state && history.state.fiche) history.back();
      else this.pushHistory(true);
    }
    if (this.opener && document.body.contains(this.opener)) this.opener.focus();
    this.opener = null;
  };

  /* ---- démarrage, adresse de la page ---------------------------------------------------- */
  Search.prototype.start = function () {
    var self = this;
    var o = this.options;
    if (o.profession || o.specialty) {
      this.nomenclatures().then(function (n) {
        var parts = [];
        if (o.profession) parts.push(n.labels.profession[o.profession] || o.profession);
        if (o.specialty) parts.push(n.labels.specialty[o.specialty] || o.specialty);
        self.fixedWhat.textContent = "Uniquement : " + parts.join(", ");
        self.fixedWhat.hidden = false;
      });
    }
    if (this.historyMode) {
      this.state = fromParams(location.search, o);
      this.showState();
      window.addEventListener("popstate", function () { self.onPopState(); });
      if (location.search && this.lastKey === null && toParams(this.state, false)) this.run({});
      if (this.state.fiche) this.openFiche(this.state.fiche, null, false);
      return;
    }
    this.radiusSelect.value = String(this.state.radius);
    var ready = Promise.resolve();
    if (o.place) {
      ready = A.getJSON(this.api + "/api/v1/places?" + A.query({ q: String(o.place).slice(0, 100), limit: 1 }))
        .then(function (places) {
          if (places && places.length) {
            self.state.place = self.placeChoice = placeFromSuggestion(places[0]);
            self.whereInput.value = self.state.place.label;
            self.fixedWhere.textContent = self.state.place.label;
            self.fixedWhere.hidden = false;
          }
        }, function () { /* le lieu reste à saisir */ });
    }
    ready.then(function () {
      if (self.state.place || o.profession || o.specialty) self.run({});
    });
  };

  Search.prototype.onPopState = function () {
    var next = fromParams(location.search, this.options);
    if (toParams(next, false) !== this.lastKey) {
      this.state = next;
      this.showState();
      if (toParams(next, false)) this.run({});
      else this.reset();
    } else {
      this.state.fiche = next.fiche;
    }
    if (this.state.fiche && !this.dialog.open) this.openFiche(this.state.fiche, null, false);
    else if (!this.state.fiche && this.dialog.open) this.dialog.close();
  };

  Search.prototype.reset = function () {
    this.seq += 1;
    this.lastKey = "";
    A.clear(this.list);
    this.items = [];
    this.pager.hidden = true;
    this.summary.textContent = "";
    this.intro.hidden = false;
    this.clearMarkers();
    this.updateCounts({});
  };

  A.mountSearch = function (root, options) {
    var defaults = { apiBase: "", history: "none", map: true, compact: false };
    Object.keys(options || {}).forEach(function (key) { if (options[key] !== null && options[key] !== undefined) defaults[key] = options[key]; });
    return new Search(root, defaults);
  };

  function optionsFromQuery() {
    var params = new URLSearchParams(location.search);
    var radius = Number(params.get("radius_km"));
    return { profession: params.get("profession"), specialty: params.get("specialty"), place: params.get("place"),
      fixedPlace: params.get("fixed_place") === "1" || params.get("fixed_place") === "true",
      radiusKm: radius >= 0.1 && radius <= 100 ? radius : null,
      map: params.get("map") !== "0" && params.get("map") !== "false", compact: true };
  }

  function autoMount() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-annuaire-search]"), function (node) {
      var options = A.readMapConfig(node);
      options.history = node.getAttribute("data-history") || "none";
      if (node.getAttribute("data-options-from") === "query") {
        var fromQuery = optionsFromQuery();
        Object.keys(fromQuery).forEach(function (key) { options[key] = fromQuery[key]; });
      }
      A.mountSearch(node, options);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", autoMount);
  else autoMount();
})();
