/* The file list of `blueprint serve`: shown again when a service file is added, removed or saved. */
"use strict";
new EventSource("/events").addEventListener("change", () => window.location.reload());
