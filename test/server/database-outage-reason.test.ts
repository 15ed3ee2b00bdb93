/**
 * Which errors mean "the database is out of reach" (503) and which are bugs or bad input
 * (src/server/database-outage.ts): the errors pg, Node's sockets and better-sqlite3 raise.
 */
import { describe, expect, it } from "vitest";
import { WeirError } from "../../src/core/weir-error.js";
import { databaseOutageReason } from "../../src/server/database-outage.js";

function coded(code: string, message = "x"): Error {
  return Object.assign(new Error(message), { code });
}

describe("databaseOutageReason", () => {
  it("recognises connection, shutdown, resource and file errors, also nested as causes", () => {
    const outages = [
      coded("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:5432"),
      Object.assign(new AggregateError([coded("ECONNREFUSED"), coded("ECONNREFUSED")], ""), { code: "ECONNREFUSED" }),
      new AggregateError([coded("EHOSTUNREACH")], "all attempts failed"),
      coded("57P01", "terminating connection due to administrator command"),
      coded("57P03", "the database system is starting up"),
      coded("08006", "connection failure"),
      coded("53300", "sorry, too many clients already"),
      new Error("Connection terminated unexpectedly"),
      new Error("timeout exceeded when trying to connect"),
      new Error("Client has encountered a connection error and is not queryable"),
      coded("SQLITE_BUSY", "database is locked"),
      coded("SQLITE_IOERR_WRITE", "disk I/O error"),
      coded("SQLITE_FULL", "database or disk is full"),
      coded("SQLITE_CANTOPEN", "unable to open database file"),
      new TypeError("The database connection is not open"),
      new WeirError("INTERNAL", "wrapped", { cause: coded("ECONNRESET") }),
    ];
    for (const error of outages) expect(databaseOutageReason(error), error.message).not.toBeNull();
    expect(databaseOutageReason(coded("57P01", "terminating connection"))).toBe("57P01 terminating connection");
  });

  it("leaves bugs and bad input alone", () => {
    const others = [
      coded("23505", "duplicate key value violates unique constraint"),
      coded("22P05", "unsupported Unicode escape sequence"),
      coded("42P01", "relation does not exist"),
      coded("SQLITE_CONSTRAINT_UNIQUE", "UNIQUE constraint failed"),
      coded("SQLITE_ERROR", "no such table"),
      new RangeError("Maximum call stack size exceeded"),
      new Error("boom"),
      "a string",
      null,
    ];
    for (const error of others) expect(databaseOutageReason(error), String(error)).toBeNull();
    const circular: { cause?: unknown } = {};
    circular.cause = circular;
    expect(databaseOutageReason(circular)).toBeNull();
  });
});
