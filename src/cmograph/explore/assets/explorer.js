/* cmograph explorer: the questions, their options, answers as a table and a diagram. Plain JavaScript, no
   framework. Text from the data is only ever set as text (textContent, setAttribute of plain attributes): the
   page never parses data as HTML. In "api" mode it asks a cmograph server; in "static" mode (a published site)
   it reads the answers written when the site was made. */
"use strict";

(() => {
  const root = document.documentElement;
  const MODE = root.dataset.mode;
  const DATA = root.dataset.data;
  const HOME = root.dataset.home;
  const SVG = "http://www.w3.org/2000/svg";
  const DEBOUNCE = 120;
  const $ = (id) => document.getElementById(id);
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

  /* ------------------------------------------------------------------------------------------ helpers */

  /** An element with plain attributes and children (strings become text nodes, never HTML). */
  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    setAttributes(node, attributes);
    for (const child of children) {
      if (child !== null && child !== undefined) node.append(child);
    }
    return node;
  }

  function svg(tag, attributes, ...children) {
    const node = document.createElementNS(SVG, tag);
    setAttributes(node, attributes);
    for (const child of children) {
      if (child !== null && child !== undefined) node.append(child);
    }
    return node;
  }

  function setAttributes(node, attributes) {
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "text") node.textContent = String(value);
      else node.setAttribute(name, value === true ? "" : String(value));
    }
  }

  class Refusal extends Error {
    constructor(message, hint) {
      super(message);
      this.hint = hint || "";
    }
  }

  async function getJSON(url) {
    let response;
    try {
      response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    } catch (error) {
      throw new Refusal("The explorer could not reach its data.", "Check that the server is still running.");
    }
    if (!response.ok) {
      let body = null;
      try {
        body = await response.json();
      } catch (error) {
        body = null;
      }
      if (body && body.error) throw new Refusal(body.error, body.hint);
      if (response.status === 404 && MODE === "static") {
        throw new Refusal("This answer is not in the published site.",
          "The site has answers for each question with no option, or with one name from the lists; run the command line on the site's data for others.");
      }
      throw new Refusal(`The explorer's data answered ${response.status}.`, "");
    }
    return response.json();
  }

  /** A cell as the command line's table shows it. */
  function cellText(value) {
    if (value === null || value === undefined) return "";
    if (Array.isArray(value)) return value.join("; ");
    if (typeof value === "boolean") return value ? "yes" : "no";
    return String(value);
  }

  function compareCells(a, b) {
    const emptyA = a === null || a === undefined || a === "" || (Array.isArray(a) && !a.length);
    const emptyB = b === null || b === undefined || b === "" || (Array.isArray(b) && !b.length);
    if (emptyA || emptyB) return emptyA === emptyB ? 0 : emptyA ? 1 : -1;
    if (typeof a === "number" && typeof b === "number") return a - b;
    return collator.compare(cellText(a), cellText(b));
  }

  function plural(count, word) {
    return `${count} ${word}${count === 1 ? "" : "s"}`;
  }

  function kindPlural(kind) {
    return kind === "cmoc" ? "configurations" : `${kind}s`;
  }

  function firstSentence(text) {
    const end = text.search(/\.(\s|$)/);
    return end < 0 ? text : text.slice(0, end + 1);
  }

  /* ------------------------------------------------------------------------------------- data sources */

  /** Answers from a cmograph server. */
  const api = {
    catalogue: () => getJSON(`${DATA}questions`),
    names: (kind, text, like) => getJSON(`${DATA}names?${new URLSearchParams({ kind, q: text, like: like ? "1" : "0" })}`),
    ask: (question, options, like) => getJSON(`${DATA}ask?${requestQuery(question, options, like)}`),
    downloads: (question, options, like) => {
      const query = requestQuery(question, options, like);
      return {
        csv: `${DATA}download?${query}&format=csv`,
        markdown: `${DATA}download?${query}&format=markdown`,
        json: `${DATA}download?${query}&format=json`,
      };
    },
  };

  function requestQuery(question, options, like) {
    const query = new URLSearchParams({ question: question.id });
    for (const [name, value] of Object.entries(options)) query.append(name, value);
    if (like) query.append("like", "1");
    return query.toString();
  }

  /** Answers written into a published site: one file per question and option value. */
  const published = {
    lists: new Map(),
    catalogue: () => getJSON(`${DATA}questions.json`),
    list(kind) {
      if (!this.lists.has(kind)) this.lists.set(kind, getJSON(`${DATA}names/${kind}.json`));
      return this.lists.get(kind);
    },
    async names(kind, text) {
      const names = await this.list(kind);
      const folded = text.trim().toLowerCase();
      let taken = [];
      let error = null;
      if (folded) {
        try {
          taken = [await this.find(kind, text)];
        } catch (refusal) {
          error = refusal.message;
        }
      }
      const holds = (n) => [n.label, n.id, n.value].some((t) => t && t.toLowerCase().includes(folded));
      const rank = (n) => {
        const texts = [n.label, n.id, n.value].filter(Boolean);
        if (texts.includes(text.trim())) return 0;
        if (texts.some((t) => t.toLowerCase() === folded)) return 1;
        return texts.some((t) => t.toLowerCase().startsWith(folded)) ? 2 : 3;
      };
      const found = names.filter((n) => holds(n) || taken.includes(n));
      found.sort((a, b) => (taken.includes(b) - taken.includes(a)) || (rank(a) - rank(b))
        || (Boolean(a.group) - Boolean(b.group)) || collator.compare(a.label, b.label));
      return {
        total: found.length, error, hint: null,
        names: found.slice(0, 20).map((n) => Object.assign({}, n, { taken: taken.includes(n) })),
      };
    },
    /** The listed name ``text`` stands for: its value, else its label or id spelt so, else ignoring case. */
    async find(kind, text) {
      const names = await this.list(kind);
      const wanted = text.trim();
      const folded = wanted.toLowerCase();
      const tries = [
        (n) => n.value === wanted,
        (n) => n.label === wanted || n.id === wanted,
        (n) => [n.value, n.label, n.id].some((t) => t && t.toLowerCase() === folded),
      ];
      for (const test of tries) {
        const hits = names.filter(test);
        if (hits.length === 1) return hits[0];
        if (hits.length > 1) {
          throw new Refusal(`'${wanted}' names ${hits.length} ${kindPlural(kind)} in the published data.`,
            "Pick one from the list that opens as you type.");
        }
      }
      throw new Refusal(`No ${kind} is called '${wanted}' in the published data.`,
        "Pick a name from the list that opens as you type (the command line's --like matches parts of names).");
    },
    /** The file name of an answer: each option as name.index (its value's place in its list), or "all". */
    async key(question, options) {
      const parts = [];
      const elements = question.options.filter((o) => o.element && options[o.name]);
      if (elements.length > 1) {
        throw new Refusal(`The published explorer answers with one of ${elements.map((o) => o.name).join(", ")} at a time.`,
          "Clear all but one, or run the command line on the site's data.");
      }
      for (const option of question.options) {
        const value = options[option.name] || option.default;
        if (!value) continue;
        let index;
        if (option.element) {
          const names = await this.list(option.type);
          index = names.indexOf(await this.find(option.type, value));
        } else if (option.type === "choice") {
          index = option.choices.indexOf(value);
        } else {
          index = (option.values || []).indexOf(Number(value));
          if (!/^[0-9]+$/.test(value) || index < 0) {
            throw new Refusal(`The published explorer has answers for --${option.name} ${option.values.join(", ")} only.`,
              "Larger values give the same answer as the largest.");
          }
          index = Number(value);
        }
        if (index < 0) throw new Refusal(`--${option.name} takes one of ${option.choices.join(", ")}.`, "");
        parts.push(`${option.name}.${index}`);
      }
      return parts.length ? parts.join("_") : "all";
    },
    async ask(question, options) {
      const base = `${DATA}answers/${question.id}/${await this.key(question, options)}`;
      const found = await getJSON(`${base}.json`);
      found.rows = await getJSON(`${base}.rows.json`);
      found.files = { csv: `${base}.csv`, markdown: `${base}.md`, json: `${base}.rows.json` };
      return found;
    },
    downloads: (question, options, like, found) => found.files,
  };

  const source = MODE === "static" ? published : api;

  /* ---------------------------------------------------------------------------------------- the state */

  const state = {
    questions: [],
    byId: new Map(),
    like: false,
    current: null, // the question shown
    answer: null, // the answer shown
    order: null, // rows in the order shown
    sort: { column: null, ascending: true },
    page: 0,
  };

  /* ------------------------------------------------------------------------------------ question list */

  function showQuestions() {
    const list = $("question-list");
    list.replaceChildren();
    for (const question of state.questions) {
      const link = el("a", { href: `?${new URLSearchParams({ question: question.id })}`, "data-question": question.id },
        el("span", { class: "title", text: question.title }),
        el("span", { class: "summary", text: firstSentence(question.description) }));
      link.addEventListener("click", (event) => {
        event.preventDefault();
        choose(question.id, {}, false);
        history.pushState(null, "", link.getAttribute("href"));
        $("q-title").focus();
        if (!question.options.some((o) => o.required)) submit();
      });
      list.append(el("li", {}, link));
    }
  }

  function markCurrent() {
    for (const link of $("question-list").querySelectorAll("a")) {
      if (state.current && link.dataset.question === state.current.id) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    }
  }

  /* ------------------------------------------------------------------------------------------ the form */

  function choose(id, options, like) {
    const question = state.byId.get(id);
    if (!question) {
      showError(new Refusal(`There is no question '${id}'.`, "Choose one from the list."));
      return false;
    }
    state.current = question;
    asking += 1; // an answer to the question shown before is not shown now
    markCurrent();
    $("intro").hidden = true;
    $("panel").hidden = false;
    $("answer").hidden = true;
    hideError();
    $("q-title").textContent = question.title;
    $("q-description").textContent = question.description;
    const fields = $("fields");
    fields.replaceChildren(...question.options.map((option) => field(option, options[option.name] || "")));
    $("like").checked = Boolean(like);
    $("like-field").hidden = !state.like || !question.options.some((o) => o.element);
    $("static-note").hidden = MODE !== "static" || !question.options.some((o) => o.element);
    document.title = `${question.title} · cmograph explorer`;
    return true;
  }

  function field(option, value) {
    const id = `opt-${option.name}`;
    const help = option.help + (option.example ? ` (e.g. ${option.example})` : "");
    const label = el("label", { for: id, id: `${id}-label` }, option.name,
      option.required ? el("span", { class: "required", text: " (required)" }) : null);
    const helpText = el("p", { class: "help", id: `${id}-help`, text: help });
    const box = el("div", { class: "field", "data-option": option.name }, label);
    if (option.element) {
      box.classList.add("combo");
      box.append(...combobox(option, id, value), helpText);
      return box;
    }
    let control;
    const values = option.type === "choice" ? option.choices : option.values;
    if (values) {
      control = el("select", { id, name: option.name, "aria-describedby": `${id}-help` });
      for (const choice of values) {
        control.append(el("option", { value: String(choice), text: String(choice) }));
      }
      control.value = value || option.default || String(values[0]);
    } else {
      control = el("input", { id, name: option.name, type: "number", min: "1", step: "1", inputmode: "numeric",
        "aria-describedby": `${id}-help`, required: option.required, "aria-required": option.required ? "true" : null });
      control.value = value || option.default || "";
    }
    box.append(control, helpText);
    return box;
  }

  /** A text box whose suggestions are names from the data (the ARIA 1.2 combobox with a list box). */
  function combobox(option, id, value) {
    const input = el("input", {
      id, name: option.name, type: "text", role: "combobox", autocomplete: "off", spellcheck: "false",
      "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": `${id}-list`,
      "aria-describedby": `${id}-help ${id}-note`, "aria-required": option.required ? "true" : null,
    });
    input.value = value;
    const list = el("ul", { id: `${id}-list`, role: "listbox", "aria-labelledby": `${id}-label`, hidden: true });
    const note = el("p", { id: `${id}-note`, class: "note", "aria-live": "polite" });
    let asked = 0;
    let timer = null;
    let active = -1;

    const options = () => Array.from(list.children);
    const close = () => {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    };
    const highlight = (index) => {
      const items = options();
      if (!items.length) return;
      active = (index + items.length) % items.length;
      items.forEach((item, i) => item.setAttribute("aria-selected", i === active ? "true" : "false"));
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    };
    const pick = (item) => {
      input.value = item.dataset.value;
      note.textContent = `Chosen: ${item.dataset.label}.`;
      close();
      input.focus();
    };
    const suggest = async () => {
      const ticket = ++asked;
      const text = input.value;
      let found;
      try {
        found = await source.names(option.type, text, $("like").checked);
      } catch (refusal) {
        if (ticket === asked) note.textContent = refusal.message;
        return;
      }
      if (ticket !== asked) return; // a newer text was typed meanwhile
      list.replaceChildren();
      list.dataset.for = text; // the text these names are for
      found.names.forEach((name, i) => {
        const details = name.group === "concept" ? `shared concept · ${plural(name.count, option.type === "cmoc" ? "configuration" : option.type)}`
          : name.group === "phase" ? `programme phase · ${plural(name.count, "period")}`
            : [name.id && name.id !== name.label ? `id ${name.id}` : null, name.evaluation ? `in ${name.evaluation}` : null]
              .filter(Boolean).join(" · ");
        const item = el("li", { id: `${id}-option-${i}`, role: "option", "aria-selected": "false",
          class: name.taken ? "taken" : null, "data-value": name.value, "data-label": name.label },
        el("span", { class: "mark", text: name.label }),
        details ? el("span", { class: "detail", text: details }) : null);
        item.addEventListener("mousedown", (event) => event.preventDefault()); // keep the focus in the box
        item.addEventListener("click", () => pick(item));
        list.append(item);
      });
      const more = found.total - found.names.length;
      const takenCount = found.names.filter((n) => n.taken).length;
      note.textContent = found.error && text.trim()
        ? `${found.error}${found.hint ? ` (${found.hint})` : ""}`
        : `${plural(found.total, "name")} found${more > 0 ? `, ${found.names.length} shown: type more to narrow` : ""}`
          + (takenCount ? `; the text typed stands for ${plural(takenCount, "listed name")}.` : ".");
      if (found.names.length && document.activeElement === input) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        active = -1;
      } else {
        close();
      }
    };

    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(suggest, DEBOUNCE);
    });
    input.addEventListener("focus", () => {
      if (!input.value) suggest();
    });
    input.addEventListener("blur", () => setTimeout(close, 100));
    input.addEventListener("keydown", (event) => {
      const open = !list.hidden;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!open) {
          suggest().then(() => highlight(0));
        } else {
          highlight(active + 1);
        }
      } else if (event.key === "ArrowUp" && open) {
        event.preventDefault();
        highlight(active - 1);
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault();
        pick(options()[active]);
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        close();
      }
    });
    return [input, list, note];
  }

  function formOptions() {
    const options = {};
    for (const option of state.current.options) {
      const control = $(`opt-${option.name}`);
      const value = control.value.trim();
      if (value && value !== (option.default || "")) options[option.name] = value;
    }
    return options;
  }

  /* ------------------------------------------------------------------------------------------ asking */

  async function submit() {
    const question = state.current;
    const options = formOptions();
    const like = state.like && $("like").checked;
    const missing = question.options.filter((o) => o.required && !options[o.name]);
    for (const option of question.options) {
      const control = $(`opt-${option.name}`);
      if (missing.includes(option)) control.setAttribute("aria-invalid", "true");
      else control.removeAttribute("aria-invalid");
    }
    if (missing.length) {
      showError(new Refusal(`Fill in ${missing.map((o) => o.name).join(" and ")}: this question needs it.`,
        missing.map((o) => o.help).join("; ")));
      $(`opt-${missing[0].name}`).focus();
      return;
    }
    const query = requestQuery(question, options, like);
    if (location.search !== `?${query}`) history.pushState(null, "", `?${query}`);
    await ask(question, options, like);
  }

  let asking = 0; // the latest question asked: an earlier answer arriving after it is dropped

  async function ask(question, options, like) {
    const ticket = ++asking;
    hideError();
    $("status").textContent = "Asking…";
    $("answer").setAttribute("aria-busy", "true");
    let found;
    try {
      found = await source.ask(question, options, like);
    } catch (refusal) {
      if (ticket !== asking) return;
      $("answer").removeAttribute("aria-busy");
      $("answer").hidden = true;
      showError(refusal);
      return;
    }
    if (ticket !== asking) return;
    $("answer").removeAttribute("aria-busy");
    showAnswer(question, found, source.downloads(question, options, like, found));
  }

  function showError(refusal) {
    $("form-error").hidden = false;
    $("form-error-text").textContent = refusal.message;
    $("form-error-hint").textContent = refusal.hint || "";
    $("form-error-hint").hidden = !refusal.hint;
  }

  function hideError() {
    $("form-error").hidden = true;
  }

  /* ------------------------------------------------------------------------------------------ the answer */

  function showAnswer(question, found, downloads) {
    state.answer = found;
    state.order = found.rows.slice();
    state.sort = { column: null, ascending: true };
    state.page = 0;
    $("answer").hidden = false;
    const said = found.rows.length ? `${plural(found.rows.length, "row")}.` : found.empty;
    $("status").textContent = found.note ? `${said} ${found.note}` : said;
    $("command").textContent = found.command;
    for (const [format, suffix] of [["csv", "csv"], ["markdown", "md"], ["json", "json"]]) {
      const link = $(`dl-${format}`);
      link.setAttribute("href", downloads[format]);
      link.setAttribute("download", `${question.id}.${suffix}`);
    }
    $("permalink").setAttribute("href", location.href);
    $("table-box").hidden = !found.rows.length;
    showColumns(found.columns);
    showTable();
    const drawing = found.diagram;
    $("diagram-box").hidden = !(drawing && drawing.configurations.length);
    if (drawing && drawing.configurations.length) draw(drawing);
  }

  function showColumns(columns) {
    $("columns").replaceChildren(...columns.flatMap((c) => [el("dt", { text: c.name }), el("dd", { text: c.explanation })]));
  }

  function pageSize() {
    return Number($("page-size").value);
  }

  function showTable() {
    const found = state.answer;
    const columns = found.columns.map((c) => c.name);
    const head = el("tr");
    for (const column of columns) {
      const sorted = state.sort.column === column;
      const button = el("button", { type: "button", "data-column": column }, column,
        el("span", { class: "arrow", "aria-hidden": "true", text: sorted ? (state.sort.ascending ? "▲" : "▼") : "" }));
      button.addEventListener("click", () => sortBy(column));
      head.append(el("th", { scope: "col", "aria-sort": sorted ? (state.sort.ascending ? "ascending" : "descending") : "none" }, button));
    }
    $("table").querySelector("thead").replaceChildren(head);
    const size = pageSize() || state.order.length || 1;
    const pages = Math.max(1, Math.ceil(state.order.length / size));
    state.page = Math.min(state.page, pages - 1);
    const first = state.page * size;
    const shown = state.order.slice(first, first + size);
    $("table").querySelector("tbody").replaceChildren(...shown.map((row) => el("tr", {},
      ...columns.map((c) => el("td", { class: typeof row[c] === "number" ? "number" : null, text: cellText(row[c]) })))));
    const last = Math.min(first + size, state.order.length);
    $("page-status").textContent = state.order.length ? `Rows ${first + 1}–${last} of ${state.order.length}` : "";
    $("table-caption").textContent = `${state.current.title}: ${plural(state.order.length, "row")}`
      + (state.sort.column ? `, sorted by ${state.sort.column} (${state.sort.ascending ? "ascending" : "descending"})` : "");
    $("prev").disabled = state.page === 0;
    $("next").disabled = state.page >= pages - 1;
  }

  function sortBy(column) {
    const ascending = state.sort.column === column ? !state.sort.ascending : true;
    state.sort = { column, ascending };
    const original = state.answer.rows;
    state.order = original.map((row, i) => [row, i]).sort((a, b) => {
      const order = compareCells(a[0][column], b[0][column]);
      return (ascending ? order : -order) || a[1] - b[1];
    }).map(([row]) => row);
    state.page = 0;
    showTable();
    const button = $("table").querySelector(`th button[data-column="${CSS.escape(column)}"]`);
    if (button) button.focus();
  }

  /* ------------------------------------------------------------------------------------------ the diagram */

  const WIDTH = 200;
  const GAP = 80;
  const LINE = 16;
  const PAD = 8;
  const SPACE = 12;
  const TOP = 34;
  const LEFT = 50; // room for the loops of leads-to arrows, on either side
  const ARROWS = { positive: "↑", negative: "↓", mixed: "↕", "no-change": "=" };

  function wrap(text, width) {
    const words = String(text).split(/\s+/);
    const lines = [];
    let line = "";
    for (const word of words) {
      if (line && (line + " " + word).length > width) {
        lines.push(line);
        line = word;
      } else {
        line = line ? `${line} ${word}` : word;
      }
    }
    if (line) lines.push(line);
    if (lines.length > 4) return [...lines.slice(0, 3), `${lines[3]}…`];
    return lines;
  }

  /** The answer's configurations: a node per context, mechanism and outcome, an arrow per link. */
  function draw(drawing) {
    const elements = drawing.elements;
    const columns = { context: [], mechanism: [], outcome: [] };
    const role = { contexts: "context", mechanisms: "mechanism", outcomes: "outcome" };
    for (const c of drawing.configurations) {
      for (const [key, kind] of Object.entries(role)) {
        for (const iri of c[key]) if (elements[iri] && !columns[kind].includes(iri)) columns[kind].push(iri);
      }
    }
    const boxes = new Map();
    let height = TOP;
    Object.entries(columns).forEach(([kind, iris], column) => {
      let y = TOP;
      for (const iri of iris) {
        const element = elements[iri];
        const lines = wrap(element.label || element.id || iri, 25);
        const extra = kind === "outcome" && element.direction ? 1 : 0;
        const h = PAD * 2 + LINE * (lines.length + extra);
        boxes.set(iri, { x: LEFT + column * (WIDTH + GAP), y, h, lines, element, kind });
        y += h + SPACE;
      }
      height = Math.max(height, y);
    });
    const drawn = new Set(drawing.configurations.map((c) => c.iri));
    const chains = drawing.configurations.flatMap((c) => c.leads_to.filter((t) => drawn.has(t.iri)).map((t) => [c, t.iri]));
    const bottom = height + (chains.length ? 30 + 14 * chains.length : 0);
    const width = LEFT * 2 + 3 * WIDTH + 2 * GAP;
    const marker = `arrow-${Math.random().toString(36).slice(2)}`;
    const picture = svg("svg", { width, height: bottom, viewBox: `0 0 ${width} ${bottom}`, role: "img",
      "aria-labelledby": "diagram-title diagram-summary" });
    const summary = `${plural(columns.context.length, "context")}, ${plural(columns.mechanism.length, "mechanism")} and `
      + `${plural(columns.outcome.length, "outcome")} of ${plural(drawing.configurations.length, "configuration")}.`;
    picture.append(svg("desc", { id: "diagram-summary", text: summary }));
    picture.append(svg("defs", {}, svg("marker", { id: marker, viewBox: "0 0 10 10", refX: 10, refY: 5,
      markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" }, svg("path", { d: "M 0 0 L 10 5 L 0 10 z", class: "arrow-head" }))));
    ["Contexts", "Mechanisms", "Outcomes"].forEach((title, column) => {
      picture.append(svg("text", { x: LEFT + column * (WIDTH + GAP), y: 20, class: "heading", text: title }));
    });
    // arrows: one per pair of elements and triggered or not, titled with the configurations drawing it
    const edges = new Map();
    const link = (from, to, triggered, id) => {
      if (!boxes.has(from) || !boxes.has(to)) return;
      const key = `${from}\n${to}\n${triggered}`;
      if (!edges.has(key)) edges.set(key, { from, to, triggered, ids: [] });
      if (!edges.get(key).ids.includes(id)) edges.get(key).ids.push(id);
    };
    for (const c of drawing.configurations) {
      for (const m of c.mechanisms) {
        for (const x of c.contexts) link(x, m, c.triggered, c.id);
        for (const o of c.outcomes) link(m, o, c.triggered, c.id);
      }
    }
    const edgeLayer = svg("g", { class: "edges" });
    for (const edge of edges.values()) {
      const a = boxes.get(edge.from);
      const b = boxes.get(edge.to);
      const x1 = a.x + WIDTH;
      const y1 = a.y + a.h / 2;
      const x2 = b.x;
      const y2 = b.y + b.h / 2;
      const d = `M ${x1} ${y1} C ${x1 + GAP / 2} ${y1}, ${x2 - GAP / 2} ${y2}, ${x2} ${y2}`;
      const title = `${edge.ids.join(", ")}${edge.triggered ? "" : ": mechanism reported NOT triggered"}`;
      edgeLayer.append(svg("path", { d, class: edge.triggered ? "edge" : "edge not-triggered", "marker-end": `url(#${marker})` },
        svg("title", { text: title })));
    }
    chains.forEach(([c, target], i) => {
      const next = drawing.configurations.find((x) => x.iri === target);
      const lane = height + 20 + 14 * i;
      for (const o of c.outcomes) {
        for (const x of next.contexts) {
          const a = boxes.get(o);
          const b = boxes.get(x);
          if (!a || !b) continue;
          const x1 = a.x + WIDTH;
          const y1 = a.y + a.h / 2;
          const x2 = b.x;
          const y2 = b.y + b.h / 2;
          const d = `M ${x1} ${y1} C ${x1 + 40} ${y1}, ${x1 + 40} ${lane}, ${x1} ${lane} L ${x2 - 30} ${lane} `
            + `C ${x2 - 40} ${lane}, ${x2 - 40} ${y2}, ${x2} ${y2}`;
          edgeLayer.append(svg("path", { d, class: "edge leads-to", "marker-end": `url(#${marker})` },
            svg("title", { text: `${c.id} leads to ${next.id}` })));
        }
      }
    });
    picture.append(edgeLayer);
    for (const [iri, box] of boxes) {
      const element = box.element;
      const text = svg("text", {});
      box.lines.forEach((line, i) => {
        text.append(svg("tspan", { x: box.x + PAD, y: box.y + PAD + LINE * (i + 1) - 4, text: line }));
      });
      if (box.kind === "outcome" && element.direction) {
        text.append(svg("tspan", { x: box.x + PAD, y: box.y + PAD + LINE * (box.lines.length + 1) - 4, class: "direction",
          text: `${ARROWS[element.direction] || ""} ${element.direction}` }));
      }
      const full = [element.label, element.id && element.id !== element.label ? `(${element.id})` : null,
        element.direction ? `direction ${element.direction}` : null].filter(Boolean).join(" ");
      picture.append(svg("g", { class: `node node-${box.kind}`, "data-iri": iri, "data-kind": box.kind,
        "data-label": element.label || "" },
      svg("title", { text: `${box.kind}: ${full}` }),
      svg("rect", { x: box.x, y: box.y, width: WIDTH, height: box.h, rx: 6 }), text));
    }
    $("diagram").replaceChildren(picture);
    const notes = [`${summary}`];
    if (drawing.named > drawing.drawn) notes.push(`The first ${drawing.drawn} of the ${drawing.named} configurations the answer names are drawn; the table has them all.`);
    if (drawing.chained) notes.push(`${plural(drawing.chained, "configuration")} that they lead to ${drawing.chained === 1 ? "is" : "are"} drawn too.`);
    $("diagram-note").textContent = notes.join(" ");
    const label = (iri) => (elements[iri] ? elements[iri].label || elements[iri].id : iri);
    $("diagram-text").replaceChildren(...drawing.configurations.map((c) => el("li", {
      text: `${c.id} (${c.evaluation}): ${c.contexts.map(label).join("; ")} → ${c.mechanisms.map(label).join("; ")}`
        + `${c.triggered ? "" : " (NOT triggered)"} → ${c.outcomes.map(label).join("; ")}`
        + (c.leads_to.length ? `; leads to ${c.leads_to.map((t) => t.id || t.iri).join(", ")}` : "")
        + (c.in_answer ? "" : " (drawn as a link of a chain)"),
    })));
  }

  /* ------------------------------------------------------------------------------------------ start */

  function fromLocation() {
    const query = new URLSearchParams(location.search);
    const id = query.get("question");
    if (!id) {
      state.current = null;
      markCurrent();
      $("panel").hidden = true;
      $("answer").hidden = true;
      $("intro").hidden = false;
      return;
    }
    const options = {};
    for (const [name, value] of query) if (name !== "question" && name !== "like") options[name] = value;
    const like = query.get("like") === "1";
    if (!choose(id, options, like)) return;
    const question = state.current;
    if (question.options.some((o) => o.required && !options[o.name])) return; // the form waits for it
    ask(question, options, like);
  }

  async function start() {
    if (HOME) {
      $("home").setAttribute("href", HOME);
      $("home-link").hidden = false;
    }
    let catalogue;
    try {
      catalogue = await source.catalogue();
    } catch (refusal) {
      $("loading").textContent = `${refusal.message} ${refusal.hint || ""}`;
      return;
    }
    $("loading").hidden = true;
    state.questions = catalogue.questions;
    state.like = Boolean(catalogue.like);
    state.byId = new Map(state.questions.map((q) => [q.id, q]));
    if (catalogue.data) $("data-name").textContent = catalogue.data;
    showQuestions();
    $("form").addEventListener("submit", (event) => {
      event.preventDefault();
      submit();
    });
    $("page-size").addEventListener("change", () => {
      state.page = 0;
      showTable();
    });
    $("prev").addEventListener("click", () => {
      state.page -= 1;
      showTable();
    });
    $("next").addEventListener("click", () => {
      state.page += 1;
      showTable();
    });
    $("copy").addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText($("command").textContent);
        $("status").textContent = "The command is copied.";
      } catch (error) {
        const range = document.createRange();
        range.selectNodeContents($("command"));
        getSelection().removeAllRanges();
        getSelection().addRange(range);
        $("status").textContent = "The command is selected: copy it with your keyboard.";
      }
    });
    window.addEventListener("popstate", fromLocation);
    fromLocation();
  }

  start();
})();
