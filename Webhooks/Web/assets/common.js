// Shared by the staff pages: texts and the language toggle, the token kept in sessionStorage, API calls.
"use strict";
window.TF = (() => {
    const texts = window.TF_TEXTS;
    let lang = localStorage.getItem("tf_lang") || ((navigator.language || "en").startsWith("fr") ? "fr" : "en");
    const listeners = [];

    function t(key, ...args) {
        const text = (texts[lang] && texts[lang][key]) ?? texts.en[key] ?? key;
        return text.replace(/\{(\d)\}/g, (_, i) => String(args[Number(i)] ?? ""));
    }

    // Known codes get a label; anything else is shown as it is.
    function label(prefix, code) {
        const key = prefix + "." + code;
        return texts.en[key] ? t(key) : code;
    }

    function apply(root = document) {
        document.documentElement.lang = lang;
        root.querySelectorAll("[data-t]").forEach(e => { e.textContent = t(e.dataset.t); });
        root.querySelectorAll("[data-t-label]").forEach(e => { e.setAttribute("aria-label", t(e.dataset.tLabel)); });
    }

    function setLang(value) {
        lang = value;
        localStorage.setItem("tf_lang", lang);
        apply();
        listeners.forEach(f => f(lang));
    }

    function el(tag, attrs = {}, ...children) {
        const e = document.createElement(tag);
        for (const [k, v] of Object.entries(attrs)) {
            if (v === undefined || v === null || v === false) continue;
            if (k === "class") e.className = v;
            // Through the CSSOM: the pages' Content-Security-Policy forbids inline style attributes.
            else if (k === "style") v.split(";").filter(Boolean).forEach(d => { const [p, val] = d.split(":"); e.style.setProperty(p.trim(), val.trim()); });
            else if (k === "text") e.textContent = v; else if (k.startsWith("on")) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
        }
        children.flat().forEach(c => { if (c !== null && c !== undefined) e.append(c); });
        return e;
    }

    const token = () => sessionStorage.getItem("tf_token");

    // The sign-in box: shown when the API says 401 or 403.
    function showLogin(message) {
        const box = document.getElementById("login");
        box.hidden = false;
        document.getElementById("login-message").textContent = message || "";
        document.getElementById("login-token").focus();
    }

    function initLogin(onSignedIn) {
        const form = document.getElementById("login-form");
        form.addEventListener("submit", ev => {
            ev.preventDefault();
            const value = document.getElementById("login-token").value.trim();
            if (!value) return;
            sessionStorage.setItem("tf_token", value);
            document.getElementById("login").hidden = true;
            document.getElementById("signout").hidden = false;
            onSignedIn();
        });
        const signout = document.getElementById("signout");
        signout.hidden = !token();
        signout.addEventListener("click", () => { sessionStorage.removeItem("tf_token"); signout.hidden = true; showLogin(t("login.needed")); });
    }

    async function api(path, options = {}) {
        const headers = Object.assign({ "Accept": "application/json" }, options.headers || {});
        if (token()) headers["Authorization"] = "Bearer " + token();
        if (options.json !== undefined) { headers["Content-Type"] = "application/json"; options.body = JSON.stringify(options.json); }
        const response = await fetch(path, { method: options.method || "GET", headers, body: options.body });
        if (response.status === 401) { showLogin(t("login.needed")); throw new Error("401"); }
        if (response.status === 403) { showLogin(t("login.denied")); throw new Error("403"); }
        return response;
    }

    function initToggle() {
        const toggle = document.getElementById("lang-toggle");
        toggle.addEventListener("click", () => setLang(lang === "en" ? "fr" : "en"));
    }

    return { t, label, apply, setLang, onLang: f => listeners.push(f), el, api, initLogin, initToggle, lang: () => lang };
})();
