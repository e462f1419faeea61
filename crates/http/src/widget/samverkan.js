/*! samverkan intranet widgets: <samverkan-decisions> and <samverkan-status>.
 *
 * Served by the samverkan binary at /widget/samverkan.js; no build step, no framework,
 * nothing fetched from anywhere but the samverkan server named in `api`. No cookies
 * (credentials are omitted), no storage, no tracking. The browser's HTTP cache
 * revalidates each list with its ETag (the API answers 304 when nothing changed).
 *
 *   <script src="https://samverkan.example/widget/samverkan.js" defer></script>
 *   <samverkan-decisions api="https://samverkan.example" limit="5"></samverkan-decisions>
 *   <samverkan-status api="https://samverkan.example" municipality="2514"></samverkan-status>
 *
 * Attributes: api (the server's base URL; default the script's own origin),
 * municipality (SCB code), limit (1-50, default 5), lang (sv, the default, or en).
 */
(() => {
  "use strict";
  const L = {
    sv: {
      decisions: "Senaste besluten i e-nämnden",
      status: "E-nämndens projekt och tjänster",
      meeting: "Sammanträde",
      appeal: "Överklaga senast",
      noAppeal: "Överklagandetiden börjar när protokollet anslagits",
      here: "Hos oss",
      latest: "Senast rapporterat",
      empty: "Inget att visa just nu.",
      error: "Kunde inte hämta uppgifterna från e-nämnden.",
      loading: "Hämtar …",
      phase: {
        idea: "Idé", pre_study: "Förstudie", development: "Utveckling",
        procurement: "Upphandling", implementation: "Införande",
        management: "Förvaltning", paused: "Pausad", closed: "Avslutad",
      },
      rollout: {
        not_participating: "Deltar inte", planned: "Planerat", in_progress: "Pågår",
        done: "Klart", unreported: "Ej rapporterat",
      },
      category: { project: "Projekt", management: "Förvaltning", operations: "Löpande verksamhet" },
      kind: {
        decision: "Beslut", contract_award: "Tilldelningsbeslut",
        information_noted: "Information", election: "Val", schedule: "Sammanträdesplan",
        delegated_decision_reported: "Delegationsbeslut",
      },
    },
    en: {
      decisions: "Latest decisions of the e-committee",
      status: "The e-committee's projects and services",
      meeting: "Meeting",
      appeal: "Appeal by",
      noAppeal: "The appeal period starts when the protocol is posted",
      here: "Here",
      latest: "Latest report",
      empty: "Nothing to show right now.",
      error: "Could not load data from the e-committee.",
      loading: "Loading …",
      phase: {
        idea: "Idea", pre_study: "Pre-study", development: "Development",
        procurement: "Procurement", implementation: "Implementation",
        management: "Management", paused: "Paused", closed: "Closed",
      },
      rollout: {
        not_participating: "Not participating", planned: "Planned", in_progress: "In progress",
        done: "Done", unreported: "Not reported",
      },
      category: { project: "Project", management: "Management", operations: "Operations" },
      kind: {
        decision: "Decision", contract_award: "Contract award",
        information_noted: "Information", election: "Election", schedule: "Meeting schedule",
        delegated_decision_reported: "Delegated decision",
      },
    },
  };

  const CSS = `
:host { display: block; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif;
  --fg: #1b1b1b; --muted: #4a4a4a; --bg: #ffffff; --line: #d6d6d6; --link: #0b4f8a;
  --tag-bg: #e8eef5; --tag-fg: #14365a; color: var(--fg); background: var(--bg); }
@media (prefers-color-scheme: dark) {
  :host { --fg: #f1f1f1; --muted: #c8c8c8; --bg: #161616; --line: #444; --link: #8cc4ff;
    --tag-bg: #243447; --tag-fg: #dbe9f7; }
}
section { padding: .25rem 0; }
h2 { font-size: 1.1rem; margin: 0 0 .5rem; }
ul { list-style: none; margin: 0; padding: 0; }
li { border-top: 1px solid var(--line); padding: .5rem 0; }
li:first-child { border-top: 0; }
a { color: var(--link); }
a:focus-visible { outline: 2px solid var(--link); outline-offset: 2px; }
.meta { color: var(--muted); font-size: .875rem; }
.tag { display: inline-block; background: var(--tag-bg); color: var(--tag-fg);
  border-radius: .25rem; padding: 0 .35rem; font-size: .8rem; margin-right: .35rem; }
p { margin: .25rem 0 0; }
`;

  const own = (() => {
    const s = document.currentScript;
    try { return s ? new URL(s.src).origin : ""; } catch (_) { return ""; }
  })();

  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    for (const k of kids) if (k != null) e.append(k);
    return e;
  }

  function date(iso, lang) {
    if (!iso) return "";
    const [y, m, d] = iso.split("-").map(Number);
    return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString(lang === "en" ? "en-GB" : "sv-SE",
      { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" });
  }

  const short = (s) => (s.length > 240 ? `${s.slice(0, 239).trimEnd()}…` : s);

  class Base extends HTMLElement {
    static get observedAttributes() { return ["api", "municipality", "limit", "lang"]; }
    connectedCallback() {
      if (!this.shadowRoot) this.attachShadow({ mode: "open" });
      this.load();
    }
    attributeChangedCallback() { if (this.shadowRoot) this.load(); }
    get api() { return (this.getAttribute("api") || own).replace(/\/+$/, ""); }
    get lang() { return this.getAttribute("lang") === "en" ? "en" : "sv"; }
    get t() { return L[this.lang]; }
    get limit() {
      const n = parseInt(this.getAttribute("limit") || "5", 10);
      return Number.isFinite(n) ? Math.min(50, Math.max(1, n)) : 5;
    }
    get municipality() {
      const m = (this.getAttribute("municipality") || "").trim();
      return /^\d{4}$/.test(m) ? m : "";
    }
    show(title, body) {
      const style = el("style");
      style.textContent = CSS;
      const h = el("h2", { id: "h" }, title);
      this.shadowRoot.replaceChildren(style,
        el("section", { "aria-labelledby": "h", lang: this.lang }, h, body));
    }
    async json(path) {
      const r = await fetch(this.api + path, {
        credentials: "omit", headers: { Accept: "application/json" },
      });
      if (!r.ok) throw new Error(`${r.status}`);
      return r.json();
    }
    async load() {
      const seq = (this.seq = (this.seq || 0) + 1);
      this.show(this.heading(), el("p", { class: "meta", role: "status" }, this.t.loading));
      try {
        const list = await this.items();
        if (seq !== this.seq) return;
        this.show(this.heading(), list.length
          ? el("ul", {}, ...list)
          : el("p", { class: "meta" }, this.t.empty));
      } catch (_) {
        if (seq !== this.seq) return;
        this.show(this.heading(), el("p", { class: "meta", role: "alert" }, this.t.error));
      }
    }
  }

  class Decisions extends Base {
    heading() { return this.t.decisions; }
    async items() {
      const page = await this.json(`/api/v1/decisions?limit=${this.limit}`);
      const t = this.t;
      return page.items.filter((d) => !d.deleted).map((d) => {
        const link = el("a", { href: `${this.api}/beslut/${d.year}/${d.paragraph}` },
          `§ ${d.paragraph} ${d.title}`);
        const kind = t.kind[d.kind];
        const appeal = d.appeal_deadline
          ? `${t.appeal} ${date(d.appeal_deadline.last_day, this.lang)}`
          : t.noAppeal;
        return el("li", { "data-id": String(d.id) },
          el("div", {}, kind && d.kind !== "decision" ? el("span", { class: "tag" }, kind) : null, link),
          el("div", { class: "meta" },
            `${t.meeting} ${date(d.meeting_date, this.lang)} · `,
            el("span", { class: "appeal" }, appeal)));
      });
    }
  }

  class Status extends Base {
    heading() { return this.t.status; }
    async items() {
      const m = this.municipality;
      const board = await this.json(`/api/v1/status-board${m ? `?municipality=${m}` : ""}`);
      const t = this.t;
      return board.items.slice(0, this.limit).map((a) => {
        const phase = t.phase[a.phase] || a.phase;
        const own = a.municipality_rollout;
        return el("li", { "data-id": String(a.id) },
          el("div", {},
            el("span", { class: "tag phase", "data-phase": a.phase }, phase),
            el("a", { href: `${this.api}/aktiviteter/${a.id}` }, el("strong", {}, a.name))),
          own ? el("div", { class: "meta rollout", "data-state": own.state },
            `${t.here}: ${t.rollout[own.state] || own.state}`) : null,
          a.latest_status ? el("p", { class: "meta" },
            `${t.latest} ${date(a.latest_status_date, this.lang)}: ${short(a.latest_status)}`) : null);
      });
    }
  }

  if (!customElements.get("samverkan-decisions")) customElements.define("samverkan-decisions", Decisions);
  if (!customElements.get("samverkan-status")) customElements.define("samverkan-status", Status);
})();
