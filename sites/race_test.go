//go:build race

package sites

// raceBuild: under -race the portal walks cost a minute; see fewPages.
const raceBuild = true
