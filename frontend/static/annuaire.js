/* Annuaire : ce que les pages partagent : construction du DOM (toujours en texte, jamais en HTML),
 * appels à l'API, formats français, liste de suggestions accessible, carte Leaflet avec repli sur
 * les contours des départements quand les tuiles ne se chargent pas. Sans dépendance hors Leaflet. */
(function () {
  "use strict";
  var A = window.Annuaire = window.Annuaire || {};
  var uidCounter = 0;

  A.uid = function (prefix) {
    uidCounter += 1;
    return "annuaire-" + prefix + "-" + uidCounter;
  };

  function append(node, children) {
    if (children === null || children === undefined || children === false) return;
    if (!Array.isArray(children)) children = [children];
    children.forEach(function (child) {
      if (child === null || child === undefined || child === false) return;
      node.appendChild(typeof child === "string" || typeof child === "number"
        ? document.createTextNode(String(child)) : child);
    });
  }

  /* h("p", {className: "x", text: "…", on: {click: f}, "aria-live": "polite"}, [enfants]) :
   * le texte passe par textContent ou des nœuds texte, jamais par innerHTML. */
  A.h = function (tag, props, children) {
    var node = document.createElement(tag);
    props = props || {};
    Object.keys(props).forEach(function (key) {
      var value = props[key];
      if (value === null || value === undefined || value === false) return;
      if (key === "text") node.textContent = String(value);
      else if (key === "className") node.className = value;
      else if (key === "on") {
        Object.keys(value).forEach(function (name) { node.addEventListener(name, value[name]); });
      } else node.setAttribute(key, value === true ? "" : String(value));
    });
    append(node, children);
    return node;
  };
  A.append = append;

  A.clear = function (node) {
    while (node.firstChild) node.removeChild(node.firstChild);
    return node;
  };

  /* Texte sans accents, en minuscules, tirets et apostrophes en espaces (pour les suggestions). */
  A.normalize = function (text) {
    return String(text || "").toLowerCase().replace(/œ/g, "oe").replace(/æ/g, "ae")
      .normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/[-'’.,()/]/g, " ").replace(/\s+/g, " ").trim();
  };

  /* GET JSON ; une erreur porte le statut et le détail problem+json en français. */
  A.getJSON = function (url, signal) {
    return fetch(url, { headers: { Accept: "application/json" }, signal: signal, credentials: "omit" })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        var body = type.indexOf("json") >= 0 ? response.json().catch(function () { return null; }) : Promise.resolve(null);
        return body.then(function (data) {
          if (response.ok) return data;
          var error = new Error((data && (data.detail || data.title)) || ("erreur " + response.status));
          error.status = response.status;
          error.problem = data;
          throw error;
        });
      });
  };

  A.query = function (params) {
    var search = new URLSearchParams();
    Object.keys(params).forEach(function (key) {
      var value = params[key];
      if (value === null || value === undefined || value === "" || value === false) return;
      (Array.isArray(value) ? value : [value]).forEach(function (item) { search.append(key, String(item)); });
    });
    return search.toString();
  };

  var numberFormat = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 1 });
  var integerFormat = new Intl.NumberFormat("fr-FR");
  A.formatCount = function (n) { return integerFormat.format(n); };
  A.formatDistance = function (km) {
    if (km === null || km === undefined) return "";
    if (km < 1) return Math.max(10, Math.round(km * 100) * 10) + " m";
    return numberFormat.format(km) + " km";
  };
  A.plural = function (n, one, many) { return A.formatCount(n) + " " + (n > 1 ? many : one); };

  A.formatPhone = function (phone) {
    var digits = String(phone || "").replace(/\D/g, "");
    if (digits.length === 10) return digits.replace(/(\d\d)(?=\d)/g, "$1 ");
    return String(phone || "");
  };
  A.phoneHref = function (phone) {
    var digits = String(phone || "").replace(/\D/g, "");
    if (digits.length === 10 && digits.charAt(0) === "0") return "tel:+33" + digits.slice(1);
    return "tel:" + digits;
  };

  A.formatDate = function (text) {
    if (!text || !/^\d{4}-\d{2}-\d{2}/.test(text)) return text || "";
    var date = new Date(text.slice(0, 10) + "T12:00:00");
    return date.toLocaleDateString("fr-FR", { day: "numeric", month: "long", year: "numeric" });
  };

  /* ---- Liste de suggestions (motif « combobox » ARIA 1.2, avec liste) -------------------- */
  A.Combobox = function (input, options) {
    var self = this;
    this.input = input;
    this.options = options;
    this.items = [];
    this.active = -1;
    this.timer = null;
    this.requestId = 0;
    var listId = A.uid("listbox");
    this.list = A.h("ul", { id: listId, role: "listbox", className: "annuaire-listbox", hidden: true,
      "aria-label": options.listLabel || "Suggestions" });
    this.live = A.h("span", { className: "annuaire-sr", role: "status", "aria-live": "polite" });
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("autocomplete", "off");
    input.parentNode.appendChild(this.list);
    input.parentNode.appendChild(this.live);

    input.addEventListener("input", function () {
      if (self.options.onInput) self.options.onInput(input.value);
      clearTimeout(self.timer);
      self.timer = setTimeout(function () { self.refresh(); }, options.delay || 150);
    });
    input.addEventListener("keydown", function (event) { self.onKey(event); });
    input.addEventListener("blur", function () { setTimeout(function () { self.close(); }, 150); });
    this.list.addEventListener("mousedown", function (event) { event.preventDefault(); });
  };

  A.Combobox.prototype.refresh = function () {
    var self = this;
    var text = this.input.value;
    var id = ++this.requestId;
    if (text.trim().length < (this.options.minLength || 1)) { this.close(); return; }
    Promise.resolve(this.options.source(text)).then(function (items) {
      if (id !== self.requestId || document.activeElement !== self.input) return;
      self.show(items || []);
    }, function () { if (id === self.requestId) self.close(); });
  };

  A.Combobox.prototype.show = function (items) {
    var self = this;
    this.items = items;
    this.active = -1;
    A.clear(this.list);
    this.input.removeAttribute("aria-activedescendant");
    if (!items.length) { this.close(); this.live.textContent = "Aucune suggestion"; return; }
    items.forEach(function (item, index) {
      var option = A.h("li", { id: self.list.id + "-" + index, role: "option", "aria-selected": "false",
        className: "annuaire-option", on: { click: function () { self.choose(index); } } },
        [A.h("span", { text: item.label }), item.detail ? A.h("span", { className: "annuaire-option-detail", text: item.detail }) : null]);
      self.list.appendChild(option);
    });
    this.list.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
    this.live.textContent = A.plural(items.length, "suggestion", "suggestions") +
      " ; flèches haut et bas pour parcourir, Entrée pour choisir.";
  };

  A.Combobox.prototype.close = function () {
    this.list.hidden = true;
    this.active = -1;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  };

  A.Combobox.prototype.isOpen = function () { return !this.list.hidden; };

  A.Combobox.prototype.highlight = function (index) {
    var options = this.list.children;
    if (this.active >= 0 && options[this.active]) {
      options[this.active].classList.remove("is-active");
      options[this.active].setAttribute("aria-selected", "false");
    }
    this.active = index;
    if (index >= 0 && options[index]) {
      options[index].classList.add("is-active");
      options[index].setAttribute("aria-selected", "true");
      this.input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    } else {
      this.input.removeAttribute("aria-activedescendant");
    }
  };

  A.Combobox.prototype.onKey = function (event) {
    var count = this.items.length;
    if (event.key === "ArrowDown" || event.key === "Down") {
      event.preventDefault();
      if (!this.isOpen()) { this.refresh(); return; }
      this.highlight((this.active + 1) % count);
    } else if (event.key === "ArrowUp" || event.key === "Up") {
      if (!this.isOpen()) return;
      event.preventDefault();
      this.highlight(this.active <= 0 ? count - 1 : this.active - 1);
    } else if (event.key === "Enter") {
      if (this.isOpen() && this.active >= 0) {
        event.preventDefault();
        this.choose(this.active);
      } else {
        this.close();
      }
    } else if (event.key === "Escape" || event.key === "Esc") {
      if (this.isOpen()) { event.preventDefault(); this.close(); }
    }
  };

  A.Combobox.prototype.choose = function (index) {
    var item = this.items[index];
    if (!item) return;
    this.input.value = item.label;
    this.close();
    this.live.textContent = "";
    if (this.options.onSelect) this.options.onSelect(item);
  };

  /* ---- Carte ------------------------------------------------------------------------------ */
  function escapeHTML(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  var outlinesCache = {};
  function loadOutlines(url) {
    if (!outlinesCache[url]) {
      outlinesCache[url] = A.getJSON(url).catch(function (error) { delete outlinesCache[url]; throw error; });
    }
    return outlinesCache[url];
  }

  /* Une carte Leaflet dans ``container``. config : tileUrl, tileAttribution, outlinesUrl, label.
   * Les contours des départements, sous les tuiles, se chargent dès qu'une tuile échoue (ou si
   * aucune n'arrive en 3 s) : la carte reste lisible sans fond de carte. */
  A.createMap = function (container, config) {
    if (!window.L) return null;
    var L = window.L;
    var map = L.map(container, { scrollWheelZoom: false, zoomSnap: 0.5, keyboard: true, zoomControl: false })
      .setView([46.6, 2.4], 5);
    L.control.zoom({ zoomInTitle: "Zoom avant", zoomOutTitle: "Zoom arrière" }).addTo(map);
    map.attributionControl.setPrefix('<a href="https://leafletjs.com/">Leaflet</a>');
    map.getContainer().setAttribute("aria-label", config.label || "Carte");
    map.getContainer().setAttribute("role", "region");
    map.createPane("annuaire-outlines").style.zIndex = 150;

    var outlinesRequested = false;
    function showOutlines() {
      if (outlinesRequested || !config.outlinesUrl) return;
      outlinesRequested = true;
      loadOutlines(config.outlinesUrl).then(function (geojson) {
        L.geoJSON(geojson, {
          pane: "annuaire-outlines", interactive: false,
          style: { color: "#6a6a6a", weight: 1, fillColor: "#f6f3ec", fillOpacity: 1 }
        }).addTo(map);
        container.setAttribute("data-outlines", "loaded");
      }, function () { outlinesRequested = false; });
    }

    var tilesLoaded = false;
    if (config.tileUrl) {
      var attribution = config.tileAttribution ? escapeHTML(config.tileAttribution) : "";
      if (/openstreetmap\.org/.test(config.tileUrl) && attribution) {
        attribution = '<a href="https://www.openstreetmap.org/copyright">' + attribution + "</a>";
      }
      var tiles = L.tileLayer(config.tileUrl, { attribution: attribution, maxZoom: 19, crossOrigin: false });
      tiles.on("tileerror", showOutlines);
      tiles.on("tileload", function () { tilesLoaded = true; });
      tiles.addTo(map);
      setTimeout(function () { if (!tilesLoaded) showOutlines(); }, 3000);
    } else {
      showOutlines();
    }
    return map;
  };

  /* Un repère numéroté (le même numéro que dans la liste) ; ``title`` est posé en texte. */
  A.numberedMarker = function (lat, lon, number, title) {
    var L = window.L;
    var label = A.h("span", { text: String(number) });
    var icon = L.divIcon({ className: "annuaire-pin", html: label, iconSize: [28, 28], iconAnchor: [14, 14] });
    return L.marker([lat, lon], { icon: icon, title: title, alt: title, keyboard: true, riseOnHover: true });
  };

  A.readMapConfig = function (node) {
    return { tileUrl: node.getAttribute("data-tile-url") || "",
      tileAttribution: node.getAttribute("data-tile-attribution") || "",
      outlinesUrl: node.getAttribute("data-outlines-url") || "" };
  };

  /* Le bandeau « données de démonstration », d'après /api/v1/health. */
  A.demoNotice = function (apiBase) {
    var notice = A.h("p", { className: "annuaire-demo", hidden: true }, [
      A.h("strong", { text: "Données de démonstration : " }),
      "les professionnels affichés sont fictifs (noms et adresses inventés, communes réelles)."]);
    A.getJSON(apiBase + "/api/v1/health").then(function (health) {
      if (health && health.demo) notice.hidden = false;
    }, function () { /* l'état du service n'empêche pas de chercher */ });
    return notice;
  };
})();
