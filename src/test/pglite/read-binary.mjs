// A Node module hook for make-dumps.mjs. pglite-tools' pgDump() reads pg_dump's output file as UTF-8
// text, which is right for plain SQL but cuts a custom-format archive at its first NUL byte. This
// hook makes the bundled chunk read the file as bytes and also export the function that runs
// pg_dump, so make-dumps.mjs can take the archive as pg_dump wrote it. It refuses to run on any
// other build of pglite-tools than the one package-lock.json pins.
export async function load(url, context, nextLoad) {
  const result = await nextLoad(url, context)
  if (!/\/@electric-sql\/pglite-tools\/dist\/chunk-[A-Z0-9]+\.js$/.test(url)) {
    return result
  }
  let source = Buffer.from(result.source).toString('utf8')
  const edits = [
    ['readFile(U,{encoding:"utf8"})', 'readFile(U,{encoding:"binary"})'],
    ['export{te as a}', 'export{te as a,Y as runPgDump}'],
  ]
  for (const [from, to] of edits) {
    if (source.split(from).length !== 2) {
      throw new Error(`pglite-tools is not the pinned build: "${from}" not found once in ${url}`)
    }
    source = source.replace(from, to)
  }
  return { ...result, source, shortCircuit: true }
}
