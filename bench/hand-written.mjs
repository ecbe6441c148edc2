// The listing loop anyone would write with fetch (offset/total, pages fetched `concurrency` ahead,
// in order), shared by bench section 7 and its profiling tools. `page(offset)` fetches one page's
// JSON body; the loop counts the users it reads, as `iterateUsers` hands them out one by one.
export async function handWrittenListing(page, concurrency) {
  let count = 0;
  const first = await page(0);
  for (const _ of first.users) count++;
  const offsets = [];
  for (let o = first.users.length; o < first.total; o += first.users.length) offsets.push(o);
  const ahead = [];
  let next = 0;
  const fill = () => {
    while (ahead.length < concurrency && next < offsets.length) ahead.push(page(offsets[next++]));
  };
  fill();
  while (ahead.length > 0) {
    const body = await ahead.shift();
    fill();
    for (const _ of body.users) count++;
  }
  return count;
}
