/* Annuaire : widget de recherche à intégrer dans un portail.
 *
 *   <div data-annuaire-widget data-profession="10" data-place="Lyon"></div>
 *   <script src="https://ANNUAIRE/widget.js" async></script>
 *
 * Options (attributs data-) : profession, specialty (codes des nomenclatures, fixés),
 * place (lieu de départ, ex. « Lyon » ou « 69003 »), fixed-place ("true" : lieu non modifiable),
 * radius-km, map ("false" : sans carte).
 * L'API est appelée sur l'origine de ce script : elle doit autoriser le portail
 * (ANNUAIRE_CORS_ORIGINS).
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var base = script ? new URL(script.src, document.baseURI).origin : "";
  var config = {{ {"tile_url": map.tile_url, "tile_attribution": map.tile_attribution, "outlines_url": map.outlines_url}|tojson }};
  var styles = {{ styles|tojson }};
  var scripts = {{ scripts|tojson }};
  var leaflet = {{ leaflet|tojson }};
  var loading = window.__annuaireWidgetLoading;

  function targets() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-annuaire-widget]"))
      .filter(function (node) { return !node.hasAttribute("data-annuaire-mounted"); });
  }

  function load(src) {
    return new Promise(function (resolve, reject) {
      var tag = document.createElement("script");
      tag.src = base + src;
      tag.async = false;
      tag.onload = resolve;
      tag.onerror = function () { reject(new Error("chargement impossible : " + src)); };
      document.head.appendChild(tag);
    });
  }

  function mountAll() {
    targets().forEach(function (node) {
      var data = node.dataset;
      node.setAttribute("data-annuaire-mounted", "");
      window.Annuaire.mountSearch(node, {
        apiBase: base,
        history: "none",
        profession: data.profession || null,
        specialty: data.specialty || null,
        place: data.place || null,
        fixedPlace: data.fixedPlace === "true",
        radiusKm: data.radiusKm ? Number(data.radiusKm) : null,
        map: data.map !== "false",
        tileUrl: config.tile_url,
        tileAttribution: config.tile_attribution,
        outlinesUrl: base + config.outlines_url
      });
    });
  }

  if (!loading) {
    styles.forEach(function (href) {
      var link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = base + href;
      document.head.appendChild(link);
    });
    var wantsMap = targets().some(function (node) { return node.dataset.map !== "false"; });
    var chain = wantsMap && !window.L ? load(leaflet) : Promise.resolve();
    loading = window.__annuaireWidgetLoading = chain.then(function () {
      return scripts.reduce(function (previous, src) {
        return previous.then(function () { return load(src); });
      }, Promise.resolve());
    });
  }
  function start() {
    loading.then(mountAll, function (error) {
      targets().forEach(function (node) {
        node.textContent = "La recherche de professionnels de santé n'a pas pu se charger.";
      });
      if (window.console) window.console.error(error);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
