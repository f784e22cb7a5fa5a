// Read Mermaid texts (a JSON array of strings) on stdin; print, for each, what Mermaid 11 itself makes of it:
// {"type", "title", "sections": [{"name", "tasks": [{"task", "score", "people"}]}]} or {"error": message}.
// Mermaid's whole parse (preprocessing, diagram detection, the journey grammar, sanitising) runs under jsdom.
import { JSDOM } from "jsdom";

const { window } = new JSDOM("");
globalThis.window = window;
globalThis.document = window.document;
const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false });

let input = "";
for await (const chunk of process.stdin) input += chunk;
const results = [];
for (const text of JSON.parse(input)) {
  try {
    const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
    const sections = new Map();
    for (const task of diagram.db.getTasks()) {
      if (!sections.has(task.section)) sections.set(task.section, []);
      sections.get(task.section).push({ task: task.task, score: task.score, people: task.people });
    }
    const names = diagram.db.getSections();
    results.push({
      type: diagram.type,
      title: diagram.db.getDiagramTitle(),
      sections: names.map((name) => ({ name, tasks: sections.get(name) ?? [] })),
      orphans: [...sections.keys()].filter((name) => !names.includes(name)).length,
    });
  } catch (error) {
    results.push({ error: String(error?.message ?? error) });
  }
}
process.stdout.write(JSON.stringify(results));
