// The account pages (rendered by the server): French through i18n.js, the language button.
"use strict";
TF.apply();
TF.initToggle();
