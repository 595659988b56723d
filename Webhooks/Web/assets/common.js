// Shared by the staff pages: texts and the language toggle, the session (sign-in page, antiforgery), API calls.
"use strict";
window.TF = (() => {
    const texts = window.TF_TEXTS;
    let lang = localStorage.getItem("tf_lang") || ((navigator.language || "en").startsWith("fr") ? "fr" : "en");
    const listeners = [];

    function t(key, ...args) {
        const text = (texts[lang] && texts[lang][key]) ?? texts.en[key] ?? key;
        return text.replace(/\{(\d)\}/g, (_, i) => String(args[Number(i)] ?? ""));
    }

    // What the server words in English (a refusal's detail, a purpose): the page's language's text for key when i18n.js has one.
    function local(key, english, ...args) {
        return texts[lang] && texts[lang][key] !== undefined && lang !== "en" ? t(key, ...args) : english;
    }

    // A count and its word: "1 segment", "2 segments", French "0 prévu" (i18n.js TF_PLURAL picks key or key.one).
    function counted(key, count) {
        return t(window.TF_PLURAL(lang, key, count), count);
    }

    // Known codes get a label; anything else is shown as it is.
    function label(prefix, code) {
        const key = prefix + "." + code;
        return texts.en[key] ? t(key) : code;
    }

    function apply(root = document) {
        document.documentElement.lang = lang;
        // The tab's title: <title data-t-title="key">, after the product's name.
        const title = document.querySelector("title[data-t-title]");
        if (title) document.title = "TwilioFeedback · " + t(title.dataset.tTitle);
        // data-t-args: values split at "|"; data-t-arg: one value as it is (a user name or an email may hold a "|").
        root.querySelectorAll("[data-t]").forEach(e => { e.textContent = t(e.dataset.t, ...(e.dataset.tArgs ? e.dataset.tArgs.split("|") : e.dataset.tArg !== undefined ? [e.dataset.tArg] : [])); });
        root.querySelectorAll("[data-t-label]").forEach(e => { e.setAttribute("aria-label", t(e.dataset.tLabel)); });
        root.querySelectorAll("[data-t-placeholder]").forEach(e => { e.setAttribute("placeholder", t(e.dataset.tPlaceholder)); });
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

    // The session cookie carries who is signed in; state-changing calls add the antiforgery token.
    let csrf = null;
    async function csrfToken() {
        if (!csrf) csrf = (await (await fetch("/account/csrf", { credentials: "same-origin" })).json()).token;
        return csrf;
    }

    // Several calls can answer 401 at once: the first one leaves for the sign-in page, the others wait for it.
    let leaving = false;
    function toSignIn() {
        if (leaving) return;
        leaving = true;
        location.href = "/account/signin?returnUrl=" + encodeURIComponent(location.pathname + location.search);
    }

    // Kept for the pages that call it: there is no token to paste any more, only a sign-out button.
    function initLogin() {
        const signout = document.getElementById("signout");
        if (!signout) return;
        signout.hidden = false;
        signout.addEventListener("click", async () => {
            await fetch("/account/signout", { method: "POST", credentials: "same-origin", headers: { "X-CSRF-TOKEN": await csrfToken() } });
            location.href = "/account/signin";
        });
    }

    async function api(path, options = {}) {
        const method = options.method || "GET";
        const headers = Object.assign({ "Accept": "application/json" }, options.headers || {});
        if (method !== "GET" && method !== "HEAD") headers["X-CSRF-TOKEN"] = await csrfToken();
        if (options.json !== undefined) { headers["Content-Type"] = "application/json"; options.body = JSON.stringify(options.json); }
        const response = await fetch(path, { method, headers, body: options.body, credentials: "same-origin" });
        if (response.status === 401) { toSignIn(); throw new Error("401"); }
        if (response.status === 403) { if (!leaving) { leaving = true; location.href = "/account/denied"; } throw new Error("403"); }
        return response;
    }

    function initToggle() {
        const toggle = document.getElementById("lang-toggle");
        toggle.addEventListener("click", () => setLang(lang === "en" ? "fr" : "en"));
    }

    return { t, counted, label, local, apply, setLang, onLang: f => listeners.push(f), el, api, csrf: csrfToken, initLogin, initToggle, lang: () => lang };
})();
