// Mounts Swagger UI on /api/openapi.json (a separate file, so the CSP needs no inline script).
window.addEventListener("DOMContentLoaded", function () {
  window.ui = SwaggerUIBundle({
    url: "/api/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    tryItOutEnabled: true,
    supportedSubmitMethods: ["get"],
  });
});
