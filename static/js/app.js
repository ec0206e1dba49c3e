/*
 * Parc — small progressive enhancements. Loaded with `defer`.
 *
 * Every page must keep working without this file: it only adds confirmation
 * prompts, auto-submitting selects, copy buttons and the CSRF header for htmx.
 * No inline handlers anywhere (strict CSP), so everything is wired here by
 * data-* attributes, using event delegation on `document` so content swapped
 * in later by htmx is covered without re-binding.
 */
(function () {
  'use strict';

  // <form data-confirm="Really delete?">: ask before submitting.
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-confirm')) {
      return;
    }
    if (!window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });

  // <select data-autosubmit>: submit the enclosing form as soon as it changes
  // (e.g. language picker, per-page count). The form keeps its own submit
  // button for people without JavaScript.
  document.addEventListener('change', function (event) {
    var el = event.target;
    if (!(el instanceof HTMLSelectElement) || !el.hasAttribute('data-autosubmit')) {
      return;
    }
    var form = el.form;
    if (!form) {
      return;
    }
    // requestSubmit() fires the submit event (so data-confirm and htmx still
    // see it) and runs validation; plain submit() would skip both.
    if (typeof form.requestSubmit === 'function') {
      form.requestSubmit();
    } else {
      form.submit();
    }
  });

  // <button type="button" data-copy="token-id" data-copied="Copied!">:
  // copy the text of #token-id to the clipboard and show feedback briefly.
  document.addEventListener('click', function (event) {
    var button = event.target instanceof Element
      ? event.target.closest('[data-copy]')
      : null;
    if (!button) {
      return;
    }
    var source = document.getElementById(button.dataset.copy);
    if (!source) {
      return;
    }
    event.preventDefault();
    var isField = source instanceof HTMLInputElement ||
      source instanceof HTMLTextAreaElement;
    var text = isField ? source.value : source.textContent;
    text = (text || '').trim();

    copyText(text).then(function () {
      flashLabel(button, button.dataset.copied || 'Copied');
    }, function () {
      // Clipboard refused (insecure context, permissions): select the text so
      // the user can press Ctrl+C / long-press themselves.
      selectContents(source);
    });
  });

  // Resolves once the text is on the clipboard, rejects if every way failed.
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () {
        return legacyCopy(text);
      });
    }
    // Plain-http intranet installs have no navigator.clipboard.
    return legacyCopy(text);
  }

  // Old execCommand route: copy from a temporary off-screen textarea.
  function legacyCopy(text) {
    return new Promise(function (resolve, reject) {
      var previousFocus = document.activeElement;
      var area = document.createElement('textarea');
      area.value = text;
      area.setAttribute('readonly', '');
      // Off-screen but still selectable (see .copy-buffer in app.css).
      area.className = 'copy-buffer';
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try {
        ok = document.execCommand('copy');
      } catch (e) {
        ok = false;
      }
      document.body.removeChild(area);
      // select() moved focus into the textarea: give it back to the button.
      if (previousFocus && typeof previousFocus.focus === 'function') {
        previousFocus.focus();
      }
      if (ok) {
        resolve();
      } else {
        reject(new Error('copy failed'));
      }
    });
  }

  function flashLabel(button, label) {
    if (button.dataset.copyTimer) {
      window.clearTimeout(Number(button.dataset.copyTimer));
    } else {
      button.dataset.originalLabel = button.textContent;
    }
    button.textContent = label;
    button.classList.add('is-copied');
    button.dataset.copyTimer = String(window.setTimeout(function () {
      button.textContent = button.dataset.originalLabel;
      button.classList.remove('is-copied');
      delete button.dataset.copyTimer;
      delete button.dataset.originalLabel;
    }, 2000));
  }

  function selectContents(el) {
    if (typeof el.select === 'function') {
      el.select();
      return;
    }
    var range = document.createRange();
    range.selectNodeContents(el);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  // htmx requests are not ordinary form posts, so they would miss the hidden
  // CSRF field on non-form triggers: send the token from
  // <meta name="csrf-token" content="..."> as a header on every htmx request.
  // htmx dispatches this event on elements and it bubbles to document, so the
  // listener works whether htmx.min.js loads before or after this file.
  document.addEventListener('htmx:configRequest', function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    var token = meta ? meta.content : '';
    if (token && event.detail && event.detail.headers) {
      event.detail.headers['X-CSRF-Token'] = token;
    }
  });
})();

// Print buttons (label sheets): no inline handlers under the CSP.
document.addEventListener('click', (event) => {
  const button = event.target.closest('[data-print]');
  if (button) {
    window.print();
  }
});
