//go:build !race

package sites

const raceBuild = false
