/*
 * Parc — API documentation page bootstrap.
 *
 * Lives in its own file (not an inline <script>) so the page works under our
 * strict Content-Security-Policy. Expects the page to load
 * /static/vendor/swagger-ui/swagger-ui-bundle.js first, and to contain
 *   <body data-spec-url="/api/v1/openapi.json"><div id="swagger-ui"></div>
 */
(function () {
  'use strict';

  function start() {
    if (typeof window.SwaggerUIBundle !== 'function') {
      // The bundle failed to load (blocked, 404…): say so instead of a blank page.
      var target = document.getElementById('swagger-ui');
      if (target) {
        target.textContent = 'The API documentation viewer could not be loaded.';
      }
      return;
    }
    window.ui = window.SwaggerUIBundle({
      url: document.body.dataset.specUrl || '/api/v1/openapi.json',
      dom_id: '#swagger-ui',
      deepLinking: true
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    // Script loaded with defer/async after parsing finished: run now.
    start();
  }
})();
