// Command database is the floor of a function with a database as its binary links it: the
// store and the Cloud SQL connector (bench/coldstart/dbfloor).
package main

import (
	"github.com/torale-ai/torale/bench/coldstart/dbfloor"
	"github.com/torale-ai/torale/shared/store/cloudsql"
)

func main() { dbfloor.Main("database", cloudsql.Dial) }
