// Drives the Apium dashboard in headless Chromium (Debian's /usr/bin/chromium through
// playwright-core). Run by the JUnit IT DashboardBrowserIT, which starts the dashboard, a Python
// Celery worker and an Apium worker, and talks to this script over stdin/stdout:
//   script -> "@@READY tasks"          test sends the tasks, then writes one JSON line of their ids
//   script -> "@@STEP <name>"          progress, for the test log
//   script -> "@@DONE"                 every check passed (exit code 0)
// Environment: DASHBOARD_URL, PY_WORKER, JAVA_WORKER, SHOTS (folder for screenshots), USER_NAME,
// PASSWORD, BROKER_KIND (redis | amqp: what the queues page should show per priority).
import { chromium } from "playwright-core";
import { createInterface } from "node:readline";
import { mkdirSync } from "node:fs";

const base = process.env.DASHBOARD_URL;
const shots = process.env.SHOTS;
const timeout = 60_000;
mkdirSync(shots, { recursive: true });
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();

function step(name) {
  console.log("@@STEP " + name);
}

async function check(condition, message) {
  if (!condition) {
    throw new Error("check failed: " + message);
  }
}

async function shot(page, name) {
  await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-background-networking", "--disable-dev-shm-usage"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(timeout);
  page.on("dialog", (d) => d.accept());

  step("workers page lists both workers");
  await page.goto(base + "/workers");
  for (const worker of [process.env.PY_WORKER, process.env.JAVA_WORKER]) {
    await page.waitForSelector(`tr[data-worker="${worker}"] >> text=online`);
  }
  const software = await page.locator("#workers").innerText();
  await check(software.includes("py-celery"), "a Python worker shows py-celery: " + software);
  await shot(page, "workers");

  step("tasks page: sent tasks appear and reach SUCCESS without a reload");
  await page.goto(base + "/tasks");
  await page.evaluate(() => { window.__sameDocument = true; });
  console.log("@@READY tasks");
  const ids = JSON.parse((await lines.next()).value);
  for (const id of [ids.python, ids.java]) {
    await page.waitForSelector(`tr[data-task="${id}"] .task-state >> text=SUCCESS`);
  }
  await page.waitForSelector(`tr[data-task="${ids.failed}"] .task-state >> text=FAILURE`);
  await check(await page.evaluate(() => window.__sameDocument === true), "the page was not reloaded");
  await shot(page, "tasks");

  step("a failed task shows its traceback");
  await page.goto(base + "/tasks/" + ids.failed);
  const traceback = await page.locator("#traceback").innerText();
  await check(traceback.includes("Traceback") && traceback.includes("ValueError"), "traceback: " + traceback);
  await check(traceback.includes("shown in the browser"), "the exception message: " + traceback);
  await shot(page, "task-failed");

  step("revoke needs a login");
  await page.goto(base + "/tasks/" + ids.later);
  await page.waitForSelector("#task-state >> text=RECEIVED");
  await page.click("#revoke");
  await page.waitForSelector("#flash-login");
  const refused = await page.locator("#flash").innerText();
  await check(refused.includes("log in"), "refusal says to log in: " + refused);
  await check((await page.locator("#task-state").innerText()).includes("RECEIVED"), "not revoked without login");
  await shot(page, "login-required");

  step("log in and revoke from the page");
  await page.click("#flash-login");
  await page.waitForSelector("#password");
  await shot(page, "login");
  await page.fill("#user", process.env.USER_NAME);
  await page.fill("#password", "wrong");
  await page.click("#login-submit");
  await page.waitForSelector("#login-error");
  await page.fill("#user", process.env.USER_NAME);
  await page.fill("#password", process.env.PASSWORD);
  await page.click("#login-submit");
  await page.waitForURL("**/tasks/" + ids.later);
  await page.waitForSelector("#logout");
  await page.click("#revoke");
  await page.waitForSelector("#flash.ok");
  const sent = await page.locator("#flash").innerText();
  await check(sent.includes("revoke sent"), "revoke answer: " + sent);
  await page.waitForSelector("#task-state >> text=REVOKED", { timeout: 90_000 });
  await shot(page, "task-revoked");

  step("retry the failed task from its page: the new task appears");
  await page.goto(base + "/tasks/" + ids.failed);
  await page.waitForSelector("#retry");
  await page.click("#retry");
  await page.waitForSelector("#flash-task");
  const retried = await page.locator("#flash").innerText();
  await check(retried.includes("retried interop.fail as"), "retry answer: " + retried);
  await page.click("#flash-task");
  await page.waitForURL((url) => url.pathname.startsWith("/tasks/") && !url.pathname.endsWith(ids.failed));
  await page.waitForSelector("#task-state >> text=FAILURE");
  const again = await page.locator("#traceback").innerText();
  await check(again.includes("shown in the browser"), "the retried task ran with the same args: " + again);
  await check((await page.locator("#task-name").innerText()).includes("interop.fail"), "same task name");
  await shot(page, "task-retried");

  step("overview, worker and queues pages render");
  await page.goto(base + "/");
  await page.waitForSelector("svg.chart");
  await check((await page.locator("#workers-online").innerText()).startsWith("2"), "2 workers online");
  await shot(page, "overview");
  await page.click("#window-15m");
  await page.waitForSelector("h2 >> text=last 15 min");
  await page.waitForSelector("#window-15m.active");
  await check((await page.locator("#window-total").innerText()).includes("finished in 15 min"), "15 min totals");
  await page.goto(base + "/workers/" + encodeURIComponent(process.env.JAVA_WORKER));
  await page.waitForSelector("text=Registered");
  await shot(page, "worker");
  await page.goto(base + "/queues");
  await page.waitForSelector("#queues");
  const queues = await page.locator("#queues").innerText();
  if (process.env.BROKER_KIND === "amqp") {
    await check(queues.includes("depth only"), "RabbitMQ shows depth only: " + queues);
  } else {
    await check(/0: \d+ · 3: \d+ · 6: \d+ · 9: \d+/.test(queues), "Redis depth per priority: " + queues);
  }
  await shot(page, "queues");
  await page.goto(base + "/beat");
  await page.waitForSelector("#beat-leader >> text=beat-");
  await shot(page, "beat");
  await page.goto(base + "/dead");
  await shot(page, "dead-letters");
  console.log("@@DONE");
} finally {
  await browser.close();
}
process.exit(0);
