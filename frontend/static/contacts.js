/* Annuaire : la page /contacts : un code postal → la ou les caisses (CPAM) qui servent ses
 * communes, leur adresse postale, le 3646, leurs accueils sur une carte et dans une liste.
 * Les données de l'API sont posées en texte (textContent), jamais en HTML. */
(function () {
  "use strict";
  var A = window.Annuaire;
  var h = A.h;

  function Contacts(root) {
    var self = this;
    this.root = root;
    this.mapConfig = A.readMapConfig(root);
    this.form = root.querySelector("form");
    this.input = this.form.querySelector("input[name=postal_code]");
    this.error = root.querySelector(".annuaire-error");
    this.status = root.querySelector(".annuaire-status");
    this.output = root.querySelector(".annuaire-contacts-results");
    this.seq = 0;
    this.form.addEventListener("submit", function (event) {
      event.preventDefault();
      self.submit();
    });
    this.input.addEventListener("input", function () { self.clearError(); });
    window.addEventListener("popstate", function () { self.fromLocation(); });
    this.fromLocation();
  }

  Contacts.prototype.fromLocation = function () {
    var code = new URLSearchParams(location.search).get("postal_code");
    this.input.value = code || "";
    if (code) this.lookup(code);
    else { A.clear(this.output); this.status.textContent = ""; }
  };

  Contacts.prototype.clearError = function () {
    this.error.hidden = true;
    this.input.removeAttribute("aria-invalid");
  };

  Contacts.prototype.showError = function (message) {
    this.error.textContent = message;
    this.error.hidden = false;
    this.input.setAttribute("aria-invalid", "true");
  };

  Contacts.prototype.submit = function () {
    var code = this.input.value.replace(/\s+/g, "");
    this.clearError();
    if (!/^\d{5}$/.test(code)) {
      this.showError("Le code postal compte 5 chiffres, par exemple 69003.");
      this.input.focus();
      return;
    }
    var url = location.pathname + "?postal_code=" + code;
    if (url !== location.pathname + location.search) history.pushState({ annuaire: true }, "", url);
    this.lookup(code);
  };

  Contacts.prototype.lookup = function (code) {
    var self = this;
    var seq = ++this.seq;
    this.status.textContent = "Recherche de la caisse…";
    A.getJSON("/api/v1/cpam?" + A.query({ postal_code: code })).then(function (answer) {
      if (seq !== self.seq) return;
      self.render(answer);
    }, function (error) {
      if (seq !== self.seq) return;
      A.clear(self.output);
      if (error.status === 404) {
        self.status.textContent = "Le code postal " + code + " n'existe pas.";
        self.showError("Ce code postal n'existe pas : vérifiez-le.");
      } else if (error.status === 400) {
        self.status.textContent = "Code postal invalide.";
        self.showError("Le code postal compte 5 chiffres, par exemple 69003.");
      } else {
        self.status.textContent = "La recherche n'a pas abouti : " + error.message;
      }
    });
  };

  function postalLines(address) {
    address = address || {};
    var nodes = [];
    (address.lines || []).forEach(function (line) { nodes.push(line, h("br")); });
    nodes.push([address.postal_code, address.city].filter(Boolean).join(" "));
    return nodes;
  }

  Contacts.prototype.render = function (answer) {
    var self = this;
    var caisses = answer.caisses || [];
    A.clear(this.output);
    var communes = (answer.communes || []).map(function (c) { return c.name; }).join(", ");
    this.status.textContent = (caisses.length
      ? A.plural(caisses.length, "caisse sert", "caisses servent") + " le code postal " + answer.postal_code
      : "Aucune caisse trouvée pour le code postal " + answer.postal_code) +
      (communes ? " (" + communes + ")." : ".");
    if (answer.approximate) {
      this.output.appendChild(h("p", { className: "annuaire-notice", role: "note" }, [
        h("strong", { text: "Caisse déduite : " }),
        "pour au moins une commune de ce code postal, la caisse a été déduite (par exemple d'après l'accueil le " +
        "plus proche, dans un département servi par plusieurs caisses) et non lue dans les données. " +
        "En cas de doute, appelez le 3646."]));
    }
    caisses.forEach(function (caisse, index) { self.output.appendChild(self.renderCaisse(caisse, index)); });
    if (answer.data_date) {
      this.output.appendChild(h("p", { className: "annuaire-meta",
        text: "Données des caisses et de leurs accueils à jour au " + A.formatDate(answer.data_date) +
          " (source : annuaire de l'administration, DILA). Les horaires peuvent avoir changé." }));
    }
  };

  Contacts.prototype.renderCaisse = function (caisse, index) {
    var titleId = A.uid("caisse");
    var phone = caisse.phone || "3646";
    var offices = caisse.accueils || [];
    var list = h("ol", { className: "annuaire-list", "aria-label": "Accueils de la " + caisse.name });
    var items = offices.map(function (office, i) {
      var item = h("li", { className: "annuaire-result" }, [
        h("span", { className: "annuaire-result-num", "aria-hidden": "true", text: i + 1 }),
        h("h4", null, [h("span", { className: "annuaire-sr", text: (i + 1) + ". " }), office.name || "Accueil"]),
        h("p", null, postalLines(office.address)),
        office.distance_km !== null && office.distance_km !== undefined
          ? h("p", { className: "annuaire-distance", text: "À " + A.formatDistance(office.distance_km) }) : null,
        office.hours ? h("p", { className: "annuaire-meta", text: office.hours }) : null]);
      list.appendChild(item);
      return { office: office, node: item };
    });
    var mapNode = h("div", { className: "annuaire-map" });
    var section = h("section", { className: "annuaire-caisse", "aria-labelledby": titleId }, [
      h("h2", { id: titleId, text: caisse.name }),
      h("h3", { text: "Par courrier" }),
      h("address", null, postalLines(caisse.postal_address)),
      h("h3", { text: "Par téléphone" }),
      h("p", { className: "annuaire-phone" }, [h("a", { href: "tel:" + phone.replace(/\D/g, ""), text: phone })]),
      h("p", { className: "annuaire-meta", text: phone === "3646"
        ? "Service gratuit + prix d'un appel, du lundi au vendredi." : "" }),
      h("h3", { text: offices.length ? "Accueils, du plus proche au plus éloigné" : "Accueils" }),
      offices.length
        ? h("div", { className: "annuaire-offices" }, [list, h("div", null, [mapNode,
          h("p", { className: "annuaire-map-note", text: "La carte reprend la liste des accueils, avec les mêmes numéros." })])])
        : h("p", { text: "Aucun accueil physique n'est connu pour cette caisse." })]);
    if (offices.length) {
      var self = this;
      setTimeout(function () { self.drawMap(mapNode, items, caisse.name, index); }, 0);
    }
    return section;
  };

  Contacts.prototype.drawMap = function (node, items, name) {
    var L = window.L;
    var map = A.createMap(node, { tileUrl: this.mapConfig.tileUrl, tileAttribution: this.mapConfig.tileAttribution,
      outlinesUrl: this.mapConfig.outlinesUrl, label: "Carte des accueils de la " + name + " (la liste donne les mêmes informations)" });
    if (!map) return;
    var points = [];
    items.forEach(function (item, i) {
      var location = item.office.location;
      if (!location || location.lat === null || location.lat === undefined || location.lon === null || location.lon === undefined) return;
      var title = (i + 1) + ". " + (item.office.name || "Accueil");
      var marker = A.numberedMarker(location.lat, location.lon, i + 1, title).addTo(map);
      marker.bindTooltip(h("span", { text: title }), { direction: "top", offset: [0, -12] });
      marker.getElement().setAttribute("aria-label", title);
      marker.on("mouseover", function () { item.node.classList.add("is-active"); marker.getElement().classList.add("is-active"); });
      marker.on("mouseout", function () { item.node.classList.remove("is-active"); marker.getElement().classList.remove("is-active"); });
      marker.on("click", function () { item.node.scrollIntoView({ block: "nearest" }); });
      item.node.addEventListener("mouseenter", function () { marker.getElement().classList.add("is-active"); item.node.classList.add("is-active"); });
      item.node.addEventListener("mouseleave", function () { marker.getElement().classList.remove("is-active"); item.node.classList.remove("is-active"); });
      points.push([location.lat, location.lon]);
    });
    node.setAttribute("data-markers", String(points.length));
    if (points.length) map.fitBounds(L.latLngBounds(points), { padding: [24, 24], maxZoom: 13 });
  };

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-annuaire-contacts]"), function (node) {
      return new Contacts(node);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
