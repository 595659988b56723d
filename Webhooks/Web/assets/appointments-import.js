// Staff upload a list of appointments (CSV or XLSX) and read what became of each row.
"use strict";
(() => {
    const { t, el } = TF;
    const $ = id => document.getElementById(id);
    let last = null;

    function draw() {
        if (!last) return;
        $("report").hidden = false;
        $("counts").textContent = t("appt.counts", last.created, last.updated, last.unchanged, last.refused);
        $("rows").replaceChildren(...last.report.map(r => el("tr", { class: r.outcome === "refused" ? "failed" : "" },
            el("td", { text: String(r.row) }),
            el("td", { text: r.external_id || "—" }),
            el("td", { text: t("appt.o." + r.outcome) }),
            el("td", { text: r.reason || "" }))));
    }

    async function upload(ev) {
        ev.preventDefault();
        const file = $("file").files[0];
        if (!file) { $("status").textContent = t("appt.choose"); return; }
        const form = new FormData();
        form.append("file", file);
        $("send").disabled = true;
        $("status").textContent = t("appt.importing");
        try {
            // The form body is not JSON: the antiforgery token goes with it as TF.api would add it.
            const response = await TF.api("/api/v1/appointments/import", { method: "POST", body: form });
            const body = await response.json().catch(() => ({}));
            if (!response.ok) { $("status").textContent = body.title || String(response.status); return; }
            last = body;
            $("status").textContent = t("appt.done", body.rows);
            draw();
        } catch (e) {
            if (e.message !== "401" && e.message !== "403") $("status").textContent = t("appt.failed", e.message);
        } finally {
            $("send").disabled = false;
        }
    }

    TF.apply();
    TF.initToggle();
    TF.initLogin();
    TF.onLang(draw);
    $("upload").addEventListener("submit", upload);
    // Signed out, or not staff: the sign-in (or no-access) page now, not after choosing a file.
    TF.api("/api/v1/appointments?limit=1").catch(() => {});
})();
