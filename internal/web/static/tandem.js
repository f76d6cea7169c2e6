// Keeps the inbox count in the header current without a reload. The page
// works without it; it only saves a click.
(function () {
  var badge = document.getElementById("unread-count");
  if (!badge || !window.fetch) return;
  function refresh() {
    fetch("/api/v1/notifications?unread=true&limit=1", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) {
        if (!body) return;
        badge.textContent = String(body.unread);
        badge.setAttribute("aria-label", body.unread + " unread");
        badge.classList.toggle("zero", body.unread === 0);
      })
      .catch(function () {});
  }
  setInterval(refresh, 3000);
})();

// After a failed form, go to the first field at fault, whose message is
// beside it, or else to the error summary. Without script the page opens
// at its top, where the summary is.
(function () {
  var summary = document.getElementById("error-summary");
  if (!summary) return;
  (document.querySelector('[aria-invalid="true"]') || summary).focus();
})();

// A Copy button beside each secret shown once (a new password, a new API
// token). Without script the secret is plain text to select and copy.
(function () {
  var secrets = document.querySelectorAll("code.secret[data-copy]");
  Array.prototype.forEach.call(secrets, function (code) {
    var button = document.createElement("button");
    var said = document.createElement("span");
    button.type = "button";
    button.className = "small copy";
    button.textContent = "Copy";
    button.setAttribute("aria-label", "Copy " + code.getAttribute("data-copy"));
    said.className = "copied";
    said.setAttribute("role", "status");
    function select() {
      var range = document.createRange();
      range.selectNodeContents(code);
      var sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
    }
    button.addEventListener("click", function () {
      var done = function () { said.textContent = "Copied."; };
      var byHand = function () {
        select();
        try {
          if (document.execCommand("copy")) { done(); return; }
        } catch (e) {}
        said.textContent = "Selected: press Ctrl+C (or ⌘C) to copy.";
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(code.textContent).then(done, byHand);
      } else {
        byHand();
      }
    });
    code.insertAdjacentElement("afterend", said);
    code.insertAdjacentElement("afterend", button);
  });
})();
