// Copy buttons beside read-only links: the link stays selectable without
// JavaScript; with it, one click copies it.
(function () {
  "use strict";
  var label = document.documentElement.lang === "de-CH" ? "Kopieren" : "Copier";
  var done = document.documentElement.lang === "de-CH" ? "Kopiert" : "Copié";
  Array.prototype.forEach.call(document.querySelectorAll("input.copy"), function (input) {
    if (!navigator.clipboard) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "link";
    button.textContent = label;
    button.setAttribute("aria-label", label + " : " + (input.getAttribute("aria-label") || ""));
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(input.value).then(function () {
        button.textContent = done;
        setTimeout(function () { button.textContent = label; }, 2000);
      });
    });
    input.parentNode.appendChild(button);
  });
})();
