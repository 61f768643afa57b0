// Makes backups of the test signer database with pg_dump 18, newer than the machine's pg_restore
// and psql (Debian 12: 15), for the "dump made by a newer pg_dump" tests:
//
//   npm ci --prefix src/test/pglite && node src/test/pglite/make-dumps.mjs
//
// writes src/test/resources/fixtures/postgres/signer-pg_dump-18.dump (custom format) and
// signer-pg_dump-18.sql (plain). PGlite is PostgreSQL 18.3 compiled to WebAssembly, and
// pglite-tools brings pg_dump 18.3 compiled the same way; the database is loaded from the same
// signer-schema.sql and signer-data.sql as the tests' real servers.
import { register } from 'node:module'
import { readFileSync, readdirSync, writeFileSync } from 'node:fs'

register('./read-binary.mjs', import.meta.url)
const { PGlite } = await import('@electric-sql/pglite')
const tools = new URL('./node_modules/@electric-sql/pglite-tools/dist/', import.meta.url)
const chunk = readdirSync(tools).find((f) => /^chunk-[A-Z0-9]+\.js$/.test(f))
const { runPgDump } = await import(new URL(chunk, tools))

const fixtures = new URL('../resources/fixtures/postgres/', import.meta.url)
const pg = await PGlite.create()
await pg.exec(readFileSync(new URL('signer-schema.sql', fixtures), 'utf8'))
await pg.exec(readFileSync(new URL('signer-data.sql', fixtures), 'utf8'))

for (const [format, file] of [['custom', 'signer-pg_dump-18.dump'], ['plain', 'signer-pg_dump-18.sql']]) {
  // The arguments pgDump() would add, without --inserts: COPY, as pg_dump writes by default.
  const result = await runPgDump({ pg, args: [`--format=${format}`, '-U', 'postgres', '-j', '1', '-f', '/tmp/out.sql'] })
  // pg_dump shares PGlite's one session: its prepared statements and search_path stay behind (as pgDump() also undoes).
  await pg.exec('DEALLOCATE ALL; RESET search_path')
  if (result.exitCode !== 0) {
    throw new Error(`pg_dump --format=${format} failed: ${result.stderr}`)
  }
  writeFileSync(new URL(file, fixtures), result.fileContents)
  console.log(`${file}: ${result.fileContents.length} bytes`)
}
