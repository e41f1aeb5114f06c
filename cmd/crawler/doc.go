// Command crawler is nianbao's single binary: crawl, archive, parse,
// query, export and serve. See README.md. It only wires signals to a
// context and hands over to internal/cli.
package main
