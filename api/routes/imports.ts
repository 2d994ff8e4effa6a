/**
 * Uploads. The file is parsed before anything is stored, so a malformed file is a 400 and leaves no row behind;
 * staging its rows is the data_import phase's job, inside the durable flow.
 */
import express, { Router } from 'express';
import createHttpError from 'http-errors';
import { and, desc, eq } from 'drizzle-orm';
import type { Database } from '../../db';
import { imports } from '../../db/schema';
import { ImportParseError, parseImport } from '../../activities/analysis/discovery/formats';
import { caller } from '../context';
import { badRequest } from '../problems';
import { importQuerySchema, uuidParam } from '../schemas';
import { parse } from '../validate';

const importColumns = {
  id: imports.id,
  filename: imports.filename,
  format: imports.format,
  sizeBytes: imports.sizeBytes,
  rowCount: imports.rowCount,
  columns: imports.columns,
  encodingIssueCount: imports.encodingIssueCount,
  uploadedBy: imports.uploadedBy,
  createdAt: imports.createdAt,
};

export function importRoutes(db: Database, maxUploadMb: number): Router {
  const router = Router();
  // Raw text for every content type: the stored file must be byte-for-byte what was uploaded.
  const rawBody = express.text({ type: () => true, limit: `${maxUploadMb}mb` });

  router.post('/imports', rawBody, async (req, res) => {
    const { tenantId, actor } = caller(res);
    const query = parse(importQuerySchema, req.query, 'query');
    const content = typeof req.body === 'string' ? req.body : '';
    if (!content.trim()) throw badRequest([{ field: 'body', rule: 'required', message: 'upload a CSV or JSON file as the request body' }]);
    const filename = query.filename ?? (req.is('application/json') ? 'upload.json' : 'upload.csv');
    let parsed;
    try {
      parsed = parseImport(content, filename);
    } catch (err) {
      if (err instanceof ImportParseError) {
        throw badRequest([{ field: 'body', rule: 'parse', message: err.line ? `line ${err.line}: ${err.message}` : err.message }]);
      }
      throw err;
    }
    const [row] = await db
      .insert(imports)
      .values({
        tenantId,
        filename,
        format: parsed.format,
        content,
        sizeBytes: Buffer.byteLength(content),
        rowCount: parsed.rows.length,
        columns: parsed.columns,
        encodingIssueCount: parsed.encodingIssues.length,
        uploadedBy: actor,
      })
      .returning(importColumns);
    res.status(201).location(`/api/v1/imports/${row.id}`).json({ ...row, warnings: parsed.warnings });
  });

  router.get('/imports', async (_req, res) => {
    const { tenantId } = caller(res);
    const rows = await db.select(importColumns).from(imports).where(eq(imports.tenantId, tenantId)).orderBy(desc(imports.createdAt)).limit(500);
    res.json({ imports: rows });
  });

  router.get('/imports/:importId', async (req, res) => {
    const { tenantId } = caller(res);
    const id = uuidParam.safeParse(req.params.importId);
    if (!id.success) throw createHttpError(404, `import ${req.params.importId} not found`);
    const [row] = await db.select(importColumns).from(imports).where(and(eq(imports.tenantId, tenantId), eq(imports.id, id.data)));
    if (!row) throw createHttpError(404, `import ${req.params.importId} not found`);
    res.json(row);
  });

  return router;
}
