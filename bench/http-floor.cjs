'use strict';
// The floor of any Node client for one request: the same GET zenml-api makes for `current-user`,
// with node:http and nothing else, the body printed as it comes. Token from BENCH_TOKEN.
require('node:http')
  .get(process.argv[2], { headers: { authorization: `Bearer ${process.env.BENCH_TOKEN}`, accept: 'application/json' } }, (res) => {
    if (res.statusCode !== 200) process.exitCode = 1;
    res.pipe(process.stdout);
  })
  .on('error', (e) => {
    process.stderr.write(`${e.message}\n`);
    process.exitCode = 1;
  });
