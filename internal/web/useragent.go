package web

import "strings"

// browserName names a browser from its User-Agent header the way people
// say it: "Chrome on Linux", "Safari on iPhone", "Firefox on Windows". A
// program that is no browser (curl, a script) is named by its first word;
// nothing at all is "Unknown browser". The order of the checks matters:
// Edge and Opera say Chrome too, and Chrome says Safari.
func browserName(ua string) string {
	ua = strings.TrimSpace(ua)
	if ua == "" {
		return "Unknown browser"
	}
	has := func(s string) bool { return strings.Contains(ua, s) }
	browser := ""
	switch {
	case has("Edg/") || has("EdgA/") || has("EdgiOS/"):
		browser = "Edge"
	case has("OPR/") || has("Opera"):
		browser = "Opera"
	case has("Firefox/") || has("FxiOS/"):
		browser = "Firefox"
	case has("SamsungBrowser/"):
		browser = "Samsung Internet"
	case has("HeadlessChrome/"):
		browser = "Headless Chrome"
	case has("Chromium/"):
		browser = "Chromium"
	case has("Chrome/") || has("CriOS/"):
		browser = "Chrome"
	case has("Safari/") && has("Version/"):
		browser = "Safari"
	}
	system := ""
	switch {
	case has("iPhone"):
		system = "iPhone"
	case has("iPad"):
		system = "iPad"
	case has("Android"):
		system = "Android"
	case has("CrOS"):
		system = "ChromeOS"
	case has("Windows"):
		system = "Windows"
	case has("Macintosh") || has("Mac OS X"):
		system = "macOS"
	case has("Linux") || has("X11"):
		system = "Linux"
	}
	switch {
	case browser != "" && system != "":
		return browser + " on " + system
	case browser != "":
		return browser
	case system != "":
		return "A browser on " + system
	}
	// Not a browser: its name, without the version ("curl/8.5.0" is curl).
	name, _, _ := strings.Cut(strings.Fields(ua)[0], "/")
	if len(name) > 40 {
		name = name[:40]
	}
	return name
}
