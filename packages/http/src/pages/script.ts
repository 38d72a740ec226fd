import { createHash } from 'node:crypto';

/**
 * The forms' progressive enhancement, inline on every page. Without it every form still
 * works: passwords stay hidden (no toggle is shown), the resend button is always
 * enabled (the server answers "too soon" with the time to wait), and the error summary
 * is simply the first thing under the heading.
 *
 * - a "Mostrar"/"Ocultar" button on each `input[data-reveal]`, hidden again on submit so
 *   the browser never keeps the password as plain text;
 * - `button[data-wait]` (seconds) stays disabled, counting down, until it may be used;
 * - the focus moves to the error summary, so a screen reader reads it first.
 *
 * It is static (per-request values come from data attributes), so the
 * Content-Security-Policy allows it by its hash, never with 'unsafe-inline'.
 */
export const SCRIPT = `(function () {
  var d = document;
  d.querySelectorAll('input[data-reveal]').forEach(function (input) {
    var button = d.createElement('button');
    button.type = 'button';
    button.className = 'reveal';
    button.setAttribute('aria-controls', input.id);
    var show = function (shown) {
      input.type = shown ? 'text' : 'password';
      button.textContent = shown ? 'Ocultar' : 'Mostrar';
      button.setAttribute(
        'aria-label',
        (shown ? 'Ocultar ' : 'Mostrar ') + input.getAttribute('data-reveal'),
      );
    };
    show(false);
    button.addEventListener('click', function () {
      show(input.type === 'password');
    });
    if (input.form) input.form.addEventListener('submit', function () { show(false); });
    input.parentNode.classList.add('revealable');
    input.insertAdjacentElement('afterend', button);
  });
  d.querySelectorAll('button[data-wait]').forEach(function (button) {
    var end = Date.now() + Number(button.getAttribute('data-wait')) * 1000;
    var label = button.textContent;
    var hint = d.getElementById(button.getAttribute('aria-describedby') || '');
    var when = hint && hint.querySelector('[data-countdown]');
    var tick = function () {
      var s = Math.ceil((end - Date.now()) / 1000);
      if (s <= 0) {
        button.disabled = false;
        button.textContent = label;
        if (hint) hint.textContent = button.getAttribute('data-ready');
        return false;
      }
      button.disabled = true;
      button.textContent = label + ' (' + (s < 120 ? s + ' s' : Math.ceil(s / 60) + ' min') + ')';
      if (when && s < 120) when.textContent = 'en ' + s + (s === 1 ? ' segundo' : ' segundos');
      return true;
    };
    if (tick()) {
      var timer = setInterval(function () {
        if (!tick()) clearInterval(timer);
      }, 1000);
    }
  });
  var summary = d.getElementById('error-summary');
  if (summary) summary.focus();
})();`;

/** The CSP source that allows exactly this script. */
export const SCRIPT_HASH = `'sha256-${createHash('sha256').update(SCRIPT).digest('base64')}'`;
