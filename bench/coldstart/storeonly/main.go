// Command storeonly is the floor of a function with a database without the Cloud SQL
// connector: the store alone (bench/coldstart/dbfloor), to price the connector's link.
package main

import "github.com/torale-ai/torale/bench/coldstart/dbfloor"

func main() { dbfloor.Main("storeonly", nil) }
