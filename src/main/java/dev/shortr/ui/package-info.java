/** The web UI: its page, static files and browser sessions; the API does the rest. */
package dev.shortr.ui;
