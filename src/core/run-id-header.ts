/**
 * The header naming the executing run on a read of a secret variable's value
 * (`GET /api/variables/{name}/value`). Its name begins with `Sec-`, which no script of a web
 * page can set (a "forbidden header name" of the Fetch standard), so a browser page, the
 * dashboard included, cannot make that read even from the server's own origin.
 */
export const RUN_ID_HEADER = "sec-weir-run-id";
