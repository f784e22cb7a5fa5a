/* The preview page of `blueprint serve`: draws the file's diagrams, metrics and findings, and again on every
 * change event. Everything from the file is set as text (textContent), never as markup. */
"use strict";

(function () {
  const page = document.body.dataset;
  const views = {};
  for (const name of ["journey", "blueprint"]) {
    views[name] = BlueprintInteractive.attach(document.getElementById(name));
  }
  let drawing = null;     // the content hash of the drawing shown
  let selected = null;    // the finding list item last clicked

  function element(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function setText(id, text) {
    document.getElementById(id).textContent = text;
  }

  // The first of a finding's element ids that a diagram has: the blueprint first, where actions are drawn.
  function reveal(finding, item) {
    if (selected) selected.classList.remove("selected");
    selected = item;
    item.classList.add("selected");
    for (const id of finding.targets) {
      for (const name of ["blueprint", "journey"]) {
        if (views[name].has(id)) {
          for (const other of Object.keys(views)) if (other !== name) views[other].highlight("");
          views[name].highlight(id);
          return;
        }
      }
    }
  }

  function findingItem(finding) {
    const item = element("li", undefined, `finding ${finding.severity}`);
    const button = element("button", finding.text);
    button.type = "button";
    button.disabled = finding.targets.length === 0;
    button.addEventListener("click", () => reveal(finding, item));
    item.appendChild(button);
    return item;
  }

  function show(data) {
    document.documentElement.lang = data.lang;
    setText("title", data.title);
    setText("file", data.file);
    for (const key of ["journey", "blueprint", "metrics", "findings"]) setText(`${key}-heading`, data.labels[key]);
    const counts = data.counts;
    const many = (count, word) => `${count} ${word}${count === 1 ? "" : "s"}`;
    setText("status", data.valid ? `valid · ${many(counts.warning, "warning")} · ${counts.info} info`
                                 : many(data.errors.length, "error"));
    document.getElementById("status").className = data.valid ? "ok" : "bad";

    const metrics = document.getElementById("metrics");
    metrics.replaceChildren(...data.metrics.flatMap((row) => [element("dt", row.label), element("dd", row.value)]));

    const findings = document.getElementById("findings");
    findings.replaceChildren(...(data.findings.length ? data.findings.map(findingItem)
                                                      : [element("li", "none", "none")]));
    selected = null;

    if (data.valid) setFolded(false);
    overlay.hidden = data.valid;
    document.getElementById("errors").replaceChildren(...data.errors.map(findingItem));
    setText("overlay-heading", data.drawing ? "This version has errors: showing the last good drawing"
                                            : "This file has errors: nothing to draw yet");
    for (const view of Object.values(views)) view.setDetails(data.details);
  }

  async function drawings(token) {
    const texts = await Promise.all(Object.keys(views).map(async (name) => {
      const response = await fetch(page[`svg${name[0].toUpperCase()}${name.slice(1)}`], {cache: "no-store"});
      return [name, response.ok ? await response.text() : null];
    }));
    for (const [name, text] of texts) if (text !== null) views[name].load(text);
    drawing = token;
    document.body.dataset.drawing = token;
  }

  // The overlay can be folded to its heading; it unfolds when new errors come after a valid version.
  const overlay = document.getElementById("overlay");
  const fold = document.getElementById("overlay-fold");
  function setFolded(folded) {
    overlay.classList.toggle("folded", folded);
    fold.textContent = folded ? "show" : "hide";
    fold.setAttribute("aria-expanded", String(!folded));
  }
  fold.addEventListener("click", () => setFolded(!overlay.classList.contains("folded")));

  let pending = null;
  async function refresh() {
    const response = await fetch(page.data, {cache: "no-store"});
    if (!response.ok) {
      setText("status", "no longer a service file here");
      document.getElementById("status").className = "bad";
      return;
    }
    const data = await response.json();
    if (data.drawing && data.drawing !== drawing) await drawings(data.drawing);
    show(data);
    document.body.dataset.shown = data.valid ? "valid" : "invalid";
  }

  // One refresh at a time; a change during one asks for one more.
  function update() {
    if (pending) {
      pending.again = true;
      return;
    }
    pending = {again: false};
    refresh().catch(() => setText("status", "cannot reach blueprint serve")).finally(() => {
      const again = pending.again;
      pending = null;
      if (again) update();
    });
  }

  const events = new EventSource("/events");
  events.addEventListener("change", (event) => {
    if (JSON.parse(event.data).includes(page.rel)) update();
  });
  let lost = false;
  events.addEventListener("error", () => { lost = true; });
  events.addEventListener("open", () => {   // the server is back: what changed meanwhile is not known
    if (lost) update();
    lost = false;
  });
  update();
})();
