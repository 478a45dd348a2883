// Records every script error, failed resource load and console.error of this page, so that a
// headless browser (or a reader) can tell that the page worked: the count goes into the attribute
// data-js-errors of the root element, the messages into the hidden element #js-errors.
// Runs first, before the charting code.
(function () {
  'use strict';
  var errors = [];
  function record(message) {
    errors.push(String(message));
    document.documentElement.setAttribute('data-js-errors', String(errors.length));
    var pre = document.getElementById('js-errors');
    if (pre) pre.textContent = errors.join('\n');
  }
  window.greenmlErrors = errors;
  window.greenmlRecordError = record;
  window.addEventListener('error', function (e) {
    if (e.target && e.target !== window) {
      record('failed to load ' + (e.target.src || e.target.href || e.target.tagName));
    } else {
      record(e.message + ' (' + (e.filename || 'page') + ':' + e.lineno + ')');
    }
  }, true);
  window.addEventListener('unhandledrejection', function (e) { record('unhandled rejection: ' + e.reason); });
  var consoleError = console.error;
  console.error = function () {
    record(Array.prototype.map.call(arguments, String).join(' '));
    return consoleError.apply(console, arguments);
  };
})();
