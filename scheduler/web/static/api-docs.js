// Siar: start Swagger UI on /api/docs (a file of its own: the Content-Security-Policy allows no inline script).
// The OpenAPI document's URL comes from the page (data-openapi-url on #swagger-ui).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var root = document.getElementById("swagger-ui");
    window.ui = SwaggerUIBundle({
      url: root.getAttribute("data-openapi-url"),
      dom_id: "#swagger-ui",
      layout: "BaseLayout",
      deepLinking: true,
      showExtensions: true,
      showCommonExtensions: true,
      validatorUrl: null,  // no badge from validator.swagger.io: nothing leaves the site
      // BaseLayout needs only the apis preset (the standalone preset, with its top bar, is another file:
      // SwaggerUIBundle.SwaggerUIStandalonePreset, as in FastAPI's page, is undefined)
      presets: [SwaggerUIBundle.presets.apis]
    });
  });
})();
