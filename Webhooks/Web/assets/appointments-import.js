// Staff upload a list of appointments (CSV or XLSX) and read what became of each row.
"use strict";
(() => {
    const { t, el } = TF;
    const $ = id => document.getElementById(id);
    let last = null;
    // The status line as a key and its values (or the server's refusal), so that it follows the language toggle.
    let status = null;

    // The server's English reason, or its code and values worded in the page's language (i18n.js appt.refused.*).
    const reason = r => r.code ? TF.local("appt.refused." + r.code, r.reason || r.title || "", ...(r.args || [])) : (r.reason || r.title || "");

    function say(key, ...args) { status = { key, args }; drawStatus(); }
    function sayRefusal(problem) { status = { problem }; drawStatus(); }
    function drawStatus() {
        $("status").textContent = !status ? "" : status.key ? t(status.key, ...status.args) : reason(status.problem);
    }

    function draw() {
        if (!last) return;
        $("report").hidden = false;
        const counted = outcome => t(TF_PLURAL(TF.lang(), "appt.n." + outcome, last[outcome]), last[outcome]);
        $("counts").textContent = t("appt.counts", ...["created", "updated", "unchanged", "refused"].map(counted));
        $("rows").replaceChildren(...last.report.map(r => el("tr", { class: r.outcome === "refused" ? "failed" : "" },
            el("td", { text: String(r.row) }),
            el("td", { text: r.external_id || "—" }),
            el("td", { text: t("appt.o." + r.outcome) }),
            el("td", { class: "reason", text: reason(r) }))));
    }

    async function upload(ev) {
        ev.preventDefault();
        const file = $("file").files[0];
        if (!file) { say("appt.choose"); return; }
        const form = new FormData();
        form.append("file", file);
        $("send").disabled = true;
        say("appt.importing");
        try {
            // The form body is not JSON: the antiforgery token goes with it as TF.api would add it.
            const response = await TF.api("/api/v1/appointments/import", { method: "POST", body: form });
            const body = await response.json().catch(() => ({}));
            if (!response.ok) { sayRefusal(body.title ? body : { title: String(response.status) }); return; }
            last = body;
            say("appt.done", body.rows);
            draw();
        } catch (e) {
            if (e.message !== "401" && e.message !== "403") say("appt.failed", e.message);
        } finally {
            $("send").disabled = false;
        }
    }

    TF.apply();
    TF.initToggle();
    TF.initLogin();
    TF.onLang(() => { drawStatus(); draw(); });
    $("upload").addEventListener("submit", upload);
    // Signed out, or not staff: the sign-in (or no-access) page now, not after choosing a file.
    TF.api("/api/v1/appointments?limit=1").catch(() => {});
})();
