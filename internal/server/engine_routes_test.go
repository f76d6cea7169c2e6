package server_test

// addEngineRows adds the rows of the site's icon.
func addEngineRows(api, pages map[string]row) {
	pages["GET /favicon.ico"] = row{fixed("/favicon.ico", ""), public(200)}
}
