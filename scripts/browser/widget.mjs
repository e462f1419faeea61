// Browser test of the intranet widget and the public pages, in Debian's chromium driven
// by playwright-core (no browser download): an intranet page on another origin embeds
// both components against a running samverkan; the rendered items are checked against
// the API's JSON and the Swedish labels; axe-core finds no serious or critical
// violation in the components or on a decision's page. Screenshots go to $SHOTS.
//
// Environment: API (the samverkan server), PAGE (the intranet page's URL), CHROMIUM,
// SHOTS (a folder), NODE_PATH (where playwright-core and axe-core are installed).
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(path.join(process.env.NODE_PATH, "x.js"));
const { chromium } = require("playwright-core");
const axeSource = require("fs").readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const { API, PAGE, CHROMIUM, SHOTS } = process.env;
const fail = (m) => { console.error(`browser test: ${m}`); process.exit(1); };
const json = async (p) => (await fetch(API + p)).json();

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update"],
});
try {
  const page = await browser.newPage({ locale: "sv-SE" });
  const outside = [];
  page.on("request", (r) => {
    const u = new URL(r.url());
    if (![new URL(API).origin, new URL(PAGE).origin].includes(u.origin)) outside.push(r.url());
  });
  await page.goto(PAGE);
  // Both components render their lists (open shadow roots: playwright pierces them).
  await page.locator("samverkan-decisions li").first().waitFor({ timeout: 15000 });
  await page.locator("samverkan-status li").first().waitFor({ timeout: 15000 });

  // Decisions: the items are the API's latest, in order, linking to their pages.
  const limit = Number(await page.locator("samverkan-decisions").getAttribute("limit"));
  const api = (await json(`/api/v1/decisions?limit=${limit}`)).items;
  const shown = await page.locator("samverkan-decisions li").evaluateAll((lis) =>
    lis.map((li) => ({ id: Number(li.dataset.id), text: li.textContent, href: li.querySelector("a").href })));
  if (shown.length !== api.length) fail(`${shown.length} decisions shown, the API has ${api.length}`);
  shown.forEach((s, i) => {
    const d = api[i];
    if (s.id !== d.id) fail(`decision ${i}: ${s.id} shown, ${d.id} in the API`);
    if (!s.text.includes(`§ ${d.paragraph} ${d.title}`)) fail(`decision ${d.id}: "${s.text}"`);
    if (!s.href.endsWith(`/beslut/${d.year}/${d.paragraph}`)) fail(`decision ${d.id} links to ${s.href}`);
    if (!/Sammanträde \d{1,2} [a-zåäö]+ \d{4}/.test(s.text)) fail(`no Swedish date in "${s.text}"`);
  });

  // Status: the municipality's board, with Swedish phase and rollout labels.
  const m = await page.locator("samverkan-status").getAttribute("municipality");
  const board = (await json(`/api/v1/status-board?municipality=${m}`)).items;
  const rows = await page.locator("samverkan-status li").evaluateAll((lis) =>
    lis.map((li) => ({
      id: Number(li.dataset.id),
      phase: li.querySelector(".phase").textContent,
      rollout: li.querySelector(".rollout")?.textContent ?? "",
    })));
  const sv = {
    idea: "Idé", pre_study: "Förstudie", development: "Utveckling", procurement: "Upphandling",
    implementation: "Införande", management: "Förvaltning", paused: "Pausad", closed: "Avslutad",
  };
  const rollout = {
    not_participating: "Deltar inte", planned: "Planerat", in_progress: "Pågår", done: "Klart",
    unreported: "Ej rapporterat",
  };
  if (rows.length === 0 || rows.length > board.length) fail(`${rows.length} activities shown`);
  rows.forEach((r, i) => {
    const a = board[i];
    if (r.id !== a.id) fail(`activity ${i}: ${r.id} shown, ${a.id} in the API`);
    if (r.phase !== sv[a.phase]) fail(`activity ${a.id}: phase "${r.phase}" for ${a.phase}`);
    const want = `Hos oss: ${rollout[a.municipality_rollout.state]}`;
    if (r.rollout !== want) fail(`activity ${a.id}: "${r.rollout}", want "${want}"`);
  });
  if (outside.length) fail(`requests outside the two origins: ${outside.join(", ")}`);
  await page.screenshot({ path: path.join(SHOTS, "intranet-light.png"), fullPage: true });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.screenshot({ path: path.join(SHOTS, "intranet-dark.png"), fullPage: true });
  await page.emulateMedia({ colorScheme: "light" });

  // Accessibility: axe-core on the page with both components, and on a decision's page.
  const axe = async (p, what) => {
    await p.addScriptTag({ content: axeSource });
    const r = await p.evaluate(async () => await window.axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    }));
    const bad = r.violations.filter((v) => ["serious", "critical"].includes(v.impact));
    if (bad.length) fail(`${what}: ${bad.map((v) => `${v.id} (${v.nodes.length})`).join(", ")}`);
    console.log(`${what}: ${r.passes.length} axe rules pass, 0 serious or critical violations`);
  };
  await axe(page, "intranet page with both components");
  const first = shown[0];
  const pub = await browser.newPage({ locale: "sv-SE" });
  const res = await pub.goto(first.href);
  if (res.status() !== 200) fail(`${first.href}: ${res.status()}`);
  if ((await pub.getAttribute("html", "lang")) !== "sv") fail("the page is not lang=sv");
  await axe(pub, `decision page ${new URL(first.href).pathname}`);
  await pub.screenshot({ path: path.join(SHOTS, "decision-page.png"), fullPage: true });
  // The meeting of that decision, an activity of the board, and the index.
  const d0 = api[0];
  for (const [url, what, shot] of [
    [`${API}/sammantraden/${d0.meeting_id}`, "meeting page", "meeting-page.png"],
    [`${API}/aktiviteter/${board[0].id}`, "activity page", "activity-page.png"],
    [`${API}/`, "index page", "index-page.png"],
  ]) {
    const r = await pub.goto(url);
    if (r.status() !== 200) fail(`${url}: ${r.status()}`);
    await axe(pub, `${what} ${new URL(url).pathname}`);
    await pub.screenshot({ path: path.join(SHOTS, shot), fullPage: true });
  }
  console.log(`browser test: ${shown.length} decisions and ${rows.length} activities as the API gives them`);
} finally {
  await browser.close();
}
