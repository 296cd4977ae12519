// The ranking write both Node peer workers make, as the original's fast path does: one AD row
// in keyword_rankings and the keyword's last rank, in one transaction. Sizes are estimates, as
// the original's were.
'use strict';

async function recordAdRanking(pool, job, { keywordId, rank, crawlMs, method, requestBytes, responseBytes }) {
  const checkedAt = new Date();
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO keyword_rankings (keyword_id, rank, rank_type, checked_at, crawling_created_at,
         crawling_duration, total_duration, crawling_method, request_bytes, response_bytes,
         total_network_bytes, job_id, job_attempt)
       VALUES ($1, $2, 'AD', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [keywordId, rank, checkedAt, new Date(job.timestamp), crawlMs,
        checkedAt.getTime() - job.timestamp, method, requestBytes, responseBytes,
        requestBytes + responseBytes, String(job.id), job.attemptsMade + 1]);
    await client.query('UPDATE keywords SET last_rank = $2, last_checked_at = $3 WHERE id = $1',
      [keywordId, rank, checkedAt]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

module.exports = { recordAdRanking };
