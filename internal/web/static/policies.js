// Shows, as a promise is typed, which service policies it conflicts with.
// Any form marked data-policy-check takes part: its fields kind, amount
// (major units, as typed: 1,200.50), currency, due_at (a date, or a date
// and time, in the team's time zone), description and account_id are
// sent to POST /api/v1/policies/check with the browser's session, and
// the answer is written into the form's [data-policy-conflicts] element
// (fields may carry a prefix, data-policy-prefix="promise_", and the
// account may be named by data-policy-account instead of a field)
// (an aria-live region; one is added before the submit button when the
// form has none). Without script the form is checked when it is sent.

const digits = { JPY: 0, KRW: 0, ISK: 0, CLP: 0, KWD: 3, BHD: 3 };

// minor reads an amount typed in major units; null when it is no amount.
function minor(typed, currency) {
  const s = typed.replaceAll(",", "").trim();
  const d = digits[currency] ?? 2;
  const m = /^(\d+)(?:\.(\d*))?$/.exec(s);
  if (!m || (m[2] || "").length > d) return null;
  return Number(m[1] + (m[2] || "").padEnd(d, "0"));
}

function value(form, name) {
  const el = form.elements.namedItem((form.dataset.policyPrefix || "") + name);
  return el && "value" in el ? el.value.trim() : "";
}

function body(form) {
  const b = { kind: value(form, "kind") };
  const currency = value(form, "currency").toUpperCase();
  const amount = value(form, "amount");
  if (amount !== "") {
    const n = minor(amount, currency);
    if (n === null || currency === "") return null; // not checkable yet
    b.amount = { amount_minor: n, currency };
  }
  for (const name of ["due_at", "description", "account_id"]) {
    const v = value(form, name);
    if (v !== "") b[name] = v;
  }
  if (form.dataset.policyAccount) b.account_id = form.dataset.policyAccount;
  return b;
}

function show(region, answer) {
  region.replaceChildren();
  const conflicts = answer.conflicts || [];
  if (conflicts.length === 0) {
    const p = document.createElement("p");
    p.className = "notice";
    p.textContent = "No policy conflicts with this promise.";
    region.append(p);
    return;
  }
  const box = document.createElement("div");
  box.className = "notice " + (answer.blocked ? "error" : "warn");
  const head = document.createElement("p");
  const strong = document.createElement("strong");
  strong.textContent = answer.blocked
    ? "This promise would be refused:"
    : `This promise goes against ${conflicts.length} ${conflicts.length === 1 ? "policy" : "policies"}:`;
  head.append(strong);
  const list = document.createElement("ul");
  for (const c of conflicts) {
    const li = document.createElement("li");
    const name = document.createElement("strong");
    name.textContent = c.name;
    li.append(name, ` (${c.faulty ? "faulty rule: " + c.error : c.severity}): ${c.statement}`);
    list.append(li);
  }
  box.append(head, list);
  region.append(box);
}

function watch(form) {
  let region = form.querySelector("[data-policy-conflicts]");
  if (!region) {
    region = document.createElement("div");
    region.setAttribute("data-policy-conflicts", "");
    const submit = form.querySelector("button[type=submit], button:not([type])");
    submit ? submit.before(region) : form.append(region);
  }
  region.setAttribute("aria-live", "polite");
  region.classList.add("policy-check");
  let timer = 0;
  let asked = 0;
  const check = async () => {
    const b = body(form);
    if (!b || !b.kind) return;
    const mine = ++asked;
    try {
      const res = await fetch("/api/v1/policies/check", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(b),
      });
      if (mine !== asked || !res.ok) return; // a newer check is on its way, or this draft is not checkable yet
      show(region, await res.json());
    } catch {
      // Offline or signed out: the form is still checked when it is sent.
    }
  };
  const soon = () => {
    clearTimeout(timer);
    timer = setTimeout(check, 300);
  };
  form.addEventListener("input", soon);
  form.addEventListener("change", soon);
}

for (const form of document.querySelectorAll("form[data-policy-check]")) watch(form);
