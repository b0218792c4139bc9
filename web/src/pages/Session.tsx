// The commune session: list 13/TD per group, collected amounts entered from
// the keyboard (Enter goes down a column, Tab across), totals per group,
// posted with one action; differences flagged. What is entered is kept in
// the browser until it is posted, so a dropped connection or a reload loses
// nothing, and posting again with the kept key posts nothing twice.
import { useEffect, useMemo, useState } from 'react';
import { Alert, App, Button, Card, DatePicker, InputNumber, Select, Space, Table, Tag, Typography } from 'antd';
import dayjs, { Dayjs } from 'dayjs';
import { get, newKey, send } from '../api';
import { dong, errorText, useI18n, viDate } from '../i18n';
import { may, useMe } from '../me';

interface Line {
  borrower: string;
  loan: string;
  principal_outstanding_dong: number;
  overdue_dong: number;
  interest_due_dong: number;
  principal_due_dong: number;
  savings_due_dong: number;
}
interface Group {
  group: string;
  lines: Line[];
  interest_due_dong: number;
  principal_due_dong: number;
  savings_due_dong: number;
}
interface SessionList {
  point: string;
  date: string;
  status: string;
  groups: Group[];
}
type Entered = Record<string, { interest?: number; principal?: number; savings?: number }>;
interface Kept {
  key: string;
  entered: Entered;
}
interface PostReport {
  groups_posted: number;
  groups_repeated: number;
  groups_refused: number;
  lines_posted: number;
  collected_dong: number;
  flagged: { line: number; loan: string; what: string }[];
  refused: { line: number; code: string; field: string; message_vi: string; message_en: string }[];
}

const columnsOrder = ['interest', 'principal', 'savings'] as const;
const lineId = (g: string, l: Line) => `${g}|${l.borrower}|${l.loan}`;

export default function Session() {
  const { t, lang } = useI18n();
  const me = useMe();
  const { message } = App.useApp();
  const [points, setPoints] = useState<{ code: string; name: string }[]>([]);
  const [point, setPoint] = useState<string | undefined>(() => localStorage.getItem('tdcs.session-point') ?? undefined);
  const [date, setDate] = useState<Dayjs | null>(() => {
    const d = localStorage.getItem('tdcs.session-date');
    return d ? dayjs(d) : null;
  });
  const [list, setList] = useState<SessionList | null>(null);
  const [kept, setKept] = useState<Kept>({ key: newKey(), entered: {} });
  const [report, setReport] = useState<PostReport | null>(null);
  const [error, setError] = useState('');
  const [counted, setCounted] = useState<number | null>(null);
  const [posting, setPosting] = useState(false); // a point's batches take a moment
  // One group's list at a time (a point has dozens, each of tens of lines).
  const [tab, setTab] = useState<string>();
  // Kept per user, point and day, until posted.
  const storage = point && date ? `tdcs.session.${me.login}.${point}.${date.format('YYYY-MM-DD')}` : '';

  // The points the user reaches: of their office, or of their groups.
  useEffect(() => {
    get<{ unit: { kind: string; code: string; name: string }; children: { kind: string; code: string; name: string }[] }>('/api/network')
      .then(async (level) => {
        if (level.unit.kind === 'office' || level.unit.kind === 'seat') return level.children;
        if (level.unit.kind === 'point') return [level.unit];
        return [];
      })
      .then(setPoints)
      .catch(() => setPoints([]));
  }, []);

  useEffect(() => {
    if (!point || !date) return;
    localStorage.setItem('tdcs.session-point', point);
    localStorage.setItem('tdcs.session-date', date.format('YYYY-MM-DD'));
    const saved = localStorage.getItem(storage);
    setKept(saved ? (JSON.parse(saved) as Kept) : { key: newKey(), entered: {} });
    setReport(null);
    get<SessionList>(`/api/sessions/${encodeURIComponent(point)}/${date.format('YYYY-MM-DD')}`)
      .then((l) => {
        setList(l);
        setError('');
      })
      .catch((e) => {
        setList(null);
        setError(errorText(e, lang));
      });
  }, [point, date, storage, lang]);

  const enter = (id: string, column: (typeof columnsOrder)[number], value: number | null) => {
    setKept((k) => {
      const next: Kept = { key: k.key, entered: { ...k.entered, [id]: { ...k.entered[id], [column]: value ?? undefined } } };
      localStorage.setItem(storage, JSON.stringify(next));
      return next;
    });
  };
  const totals = useMemo(() => {
    const out: Record<string, { interest: number; principal: number; savings: number }> = {};
    for (const g of list?.groups ?? []) {
      const sum = { interest: 0, principal: 0, savings: 0 };
      for (const l of g.lines) {
        const e = kept.entered[lineId(g.group, l)] ?? {};
        sum.interest += e.interest ?? 0;
        sum.principal += e.principal ?? 0;
        sum.savings += e.savings ?? 0;
      }
      out[g.group] = sum;
    }
    return out;
  }, [list, kept]);
  const grand = Object.values(totals).reduce((a, b) => a + b.interest + b.principal + b.savings, 0);

  const post = async () => {
    if (!list || !point || !date) return;
    const lines = list.groups.flatMap((g) =>
      g.lines
        .map((l) => ({ g, l, e: kept.entered[lineId(g.group, l)] ?? {} }))
        .filter(({ e }) => (e.interest ?? 0) + (e.principal ?? 0) + (e.savings ?? 0) > 0)
        .map(({ g, l, e }) => ({
          group: g.group,
          borrower: l.borrower,
          loan: l.loan || undefined,
          interest_paid_dong: e.interest || undefined,
          principal_paid_dong: e.principal || undefined,
          savings_paid_dong: e.savings || undefined,
        })),
    );
    if (lines.length === 0) return;
    setPosting(true);
    try {
      const r = await send<PostReport>('POST', `/api/sessions/${encodeURIComponent(point)}/${date.format('YYYY-MM-DD')}/batches`, { lines }, kept.key);
      setReport(r);
      // A group refused keeps its lines and the key (the groups posted
      // answer as repeated); all posted, the next entry starts afresh.
      if (r.groups_refused === 0) {
        localStorage.removeItem(storage);
        setKept({ key: newKey(), entered: {} });
        message.success(`${t('posted')}: ${r.lines_posted}`);
      }
    } catch (e) {
      const body = (e as { body?: PostReport }).body;
      if (body && Array.isArray(body.refused)) setReport(body);
      message.error(errorText(e, lang));
    } finally {
      setPosting(false);
    }
  };
  const close = async () => {
    if (!point || !date || counted === null) return;
    try {
      const r = await send<{ difference_dong: number }>('POST', `/api/sessions/${encodeURIComponent(point)}/${date.format('YYYY-MM-DD')}/close`, { counted_dong: counted });
      message.success(`${t('posted')}: ${dong(r.difference_dong)}`);
    } catch (e) {
      message.error(errorText(e, lang));
    }
  };

  // Each line's place in the whole list: Enter goes to the line below.
  const indexOf = useMemo(() => {
    const m = new Map<string, number>();
    for (const g of list?.groups ?? []) for (const l of g.lines) m.set(lineId(g.group, l), m.size);
    return m;
  }, [list]);
  const canPost = may(me, 'lend');
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Text>{t('pickPoint')}</Typography.Text>
      <Space wrap>
        <Select
          aria-label={t('point')}
          style={{ width: 320 }}
          value={point}
          onChange={setPoint}
          showSearch
          optionFilterProp="label"
          options={points.map((p) => ({ value: p.code, label: `${p.code} – ${p.name}` }))}
        />
        <DatePicker aria-label={t('date')} format="DD/MM/YYYY" value={date} onChange={setDate} />
        {list && <Tag>{list.status}</Tag>}
        {Object.keys(kept.entered).length > 0 && <Tag>{t('keptLocally')}</Tag>}
        <Button onClick={() => window.print()}>{t('print')}</Button>
      </Space>
      {error && <Alert type="error" message={error} />}
      {report && (
        <Alert
          type={report.groups_refused ? 'error' : report.flagged.length ? 'warning' : 'success'}
          message={`${t('posted')}: ${report.groups_posted + report.groups_repeated} ${t('groups')}, ${report.lines_posted} ${t('loans')}, ${dong(report.collected_dong)}`}
          description={
            <>
              {report.flagged.map((f) => (
                <div key={`f${f.line}`}>
                  {f.loan}: {f.what.includes('short') ? t('short') : f.what.includes('over') ? t('over') : ''} ({f.what})
                </div>
              ))}
              {report.refused.map((r) => (
                <div key={`r${r.line}${r.code}`}>
                  #{r.line} {r.field}: {lang === 'vi' ? r.message_vi : r.message_en}
                </div>
              ))}
            </>
          }
        />
      )}
      {list && list.groups.length > 0 && (
        <Select
          aria-label={t('group')}
          style={{ width: 420 }}
          value={tab ?? list.groups[0].group}
          onChange={setTab}
          options={list.groups.map((g) => ({
            value: g.group,
            label: `${t('group')} ${g.group} · ${g.lines.length} · ${t('total')} ${dong(totals[g.group].interest + totals[g.group].principal + totals[g.group].savings)}`,
          }))}
        />
      )}
      {list
        ?.groups.filter((g) => g.group === (tab ?? list.groups[0].group))
        .map((g) => (
          <Card
            key={g.group}
            size="small"
            title={`${t('group')} ${g.group}`}
            extra={
              <Typography.Text data-testid={`total-${g.group}`}>
                {t('total')}: {dong(totals[g.group].interest + totals[g.group].principal + totals[g.group].savings)}
              </Typography.Text>
            }
          >
          <Table<Line>
            size="small"
            rowKey={(l) => lineId(g.group, l)}
            pagination={false}
            dataSource={g.lines}
            columns={[
              { title: t('borrower'), dataIndex: 'borrower' },
              { title: t('loan'), dataIndex: 'loan' },
              { title: t('interestDue'), dataIndex: 'interest_due_dong', align: 'right', render: dong },
              { title: t('principalDue'), dataIndex: 'principal_due_dong', align: 'right', render: dong },
              { title: t('savingsDue'), dataIndex: 'savings_due_dong', align: 'right', render: dong },
              ...columnsOrder.map((column) => ({
                title: column === 'interest' ? t('interestPaid') : column === 'principal' ? t('principalPaid') : t('savingsPaid'),
                render: (_: unknown, l: Line) => {
                  const id = lineId(g.group, l);
                  const r = indexOf.get(id) ?? 0;
                  const disabled = column !== 'savings' && !l.loan;
                  return (
                    <InputNumber<number>
                      id={`cell-${r}-${column}`}
                      aria-label={`${column === 'interest' ? t('interestPaid') : column === 'principal' ? t('principalPaid') : t('savingsPaid')} ${l.borrower} ${l.loan}`}
                      min={0}
                      max={1e15}
                      disabled={disabled || !canPost}
                      value={kept.entered[id]?.[column] ?? null}
                      onChange={(v) => enter(id, column, v)}
                      formatter={(v) => (v ? new Intl.NumberFormat('vi-VN').format(Number(v)) : '')}
                      parser={(v) => Number((v ?? '').replace(/\./g, ''))}
                      onPressEnter={() => document.getElementById(`cell-${r + 1}-${column}`)?.focus()}
                      style={{ width: 130 }}
                    />
                  );
                },
              })),
            ]}
          />
          </Card>
        ))}
      {list && canPost && (
        <Card size="small">
          <Space wrap>
            <Typography.Text strong>
              {t('total')}: {dong(grand)}
            </Typography.Text>
            <Button type="primary" onClick={post} disabled={grand === 0 || posting} loading={posting}>
              {t('postAll')}
            </Button>
            <InputNumber<number>
              aria-label={t('counted')}
              placeholder={t('counted')}
              min={0}
              value={counted}
              onChange={setCounted}
              formatter={(v) => (v ? new Intl.NumberFormat('vi-VN').format(Number(v)) : '')}
              parser={(v) => Number((v ?? '').replace(/\./g, ''))}
              style={{ width: 200 }}
            />
            <Button onClick={close} disabled={counted === null}>
              {t('confirm')} ({viDate(list.date)})
            </Button>
          </Space>
        </Card>
      )}
    </Space>
  );
}
