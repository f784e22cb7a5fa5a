// The HTML report: each inline diagram pans and zooms through interactive.js (wheel, drag, keys, the buttons);
// a finding's link scrolls to its element and rings it. Ours, inline, nothing fetched.
"use strict";

(function () {
  const views = [];
  for (const figure of document.querySelectorAll(".diagram .whole")) {
    const pan = figure.querySelector(".pan");
    const view = BlueprintInteractive.attach(pan);
    views.push({pan, view});
    const buttons = figure.querySelector(".zoom");
    buttons.hidden = false;
    buttons.addEventListener("click", (event) => {
      const factor = event.target.getAttribute("data-zoom");
      if (factor === null) return;
      if (Number(factor) === 0) view.fit(); else view.zoom(Number(factor));
    });
  }

  // The blueprint (drawn last) has every action and step; the journey only steps.
  function show(id) {
    const found = views.slice().reverse().find(({view}) => view.has(id));
    if (!found) return false;
    found.pan.scrollIntoView({block: "center"});
    return found.view.highlight(id);
  }

  document.addEventListener("click", (event) => {
    const link = event.target.closest("a.target");
    if (link && show(decodeURIComponent(link.getAttribute("href").slice(1)))) {
      event.preventDefault();
      history.replaceState(null, "", link.getAttribute("href"));
    }
  });
  if (location.hash) show(decodeURIComponent(location.hash.slice(1)));
})();
