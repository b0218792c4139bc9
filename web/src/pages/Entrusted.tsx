// The associations' work and the year's plan: reconciliation campaigns
// (15/TD) with each household's answer and the progress, the inspections
// due (06/TD, dormant loans), group ratings (BC0437) and the plan.
import { useEffect, useState } from 'react';
import { Alert, App, Button, Card, DatePicker, Input, InputNumber, Progress, Space, Table, Tabs, Tag } from 'antd';
import dayjs, { Dayjs } from 'dayjs';
import { get, send } from '../api';
import { dong, errorText, num, percentBp, useI18n, viDate } from '../i18n';
import { may, useMe } from '../me';
import { askText } from '../reason';
import { scopeCode } from './Lending';

interface CampaignLine {
  group: string;
  borrower: string;
  name: string;
  principal_dong: number;
  interest_dong: number;
  savings_dong: number;
  answer: string | null;
  note: string | null;
}
interface ProgressRow {
  unit: string;
  households: number;
  answered: number;
  percent: number;
  text: string;
}

function Reconciliation() {
  const { t, lang } = useI18n();
  const me = useMe();
  const { message, modal } = App.useApp();
  const [unit, setUnit] = useState(scopeCode(me.scope) || 'national');
  const [asOf, setAsOf] = useState<Dayjs | null>(null);
  const [code, setCode] = useState('');
  const [lines, setLines] = useState<CampaignLine[]>([]);
  const [progress, setProgress] = useState<ProgressRow[]>([]);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    if (!code) return;
    Promise.all([
      get<{ lines: CampaignLine[] }>(`/api/reconciliations/${encodeURIComponent(code)}`),
      get<{ rows: ProgressRow[] }>(`/api/reconciliations/${encodeURIComponent(code)}/progress`, { by: 'group' }),
    ])
      .then(([l, p]) => {
        setLines(l.lines);
        setProgress(p.rows);
      })
      .catch((e) => message.error(errorText(e, lang)));
  }, [code, version, lang, message]);
  const open = async () => {
    try {
      const r = await send<{ code: string; households: number }>('POST', '/api/reconciliations', {
        unit,
        as_of: (asOf ?? dayjs()).format('YYYY-MM-DD'),
      });
      message.success(`${r.code}: ${num(r.households)}`);
      setCode(r.code);
    } catch (e) {
      message.error(errorText(e, lang));
    }
  };
  const answer = async (borrower: string, confirmed: boolean) => {
    // A difference is recorded in the household's words, typed by the one
    // who heard them.
    const note = confirmed ? undefined : await askText(modal, t, { title: `${t('discrepancy')} — ${borrower}`, label: 'note', ok: 'confirm' });
    if (note === null) return;
    try {
      await send('POST', `/api/reconciliations/${encodeURIComponent(code)}/answers`, {
        borrower,
        confirmed,
        note,
      });
      setVersion((v) => v + 1);
    } catch (e) {
      message.error(errorText(e, lang));
    }
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <Input aria-label={t('unit')} addonBefore={t('unit')} value={unit} onChange={(e) => setUnit(e.target.value.trim())} style={{ width: 240 }} />
        <DatePicker aria-label={t('date')} format="DD/MM/YYYY" value={asOf} onChange={setAsOf} />
        {may(me, 'lend') && <Button onClick={open}>{t('add')}</Button>}
        <Input.Search aria-label={t('code')} placeholder={`${t('code')} (DC-…)`} onSearch={(v) => setCode(v.trim())} style={{ width: 240 }} />
      </Space>
      {progress.length > 0 && (
        <Card size="small" title={t('status')}>
          {progress.slice(0, 10).map((p) => (
            <div key={p.unit}>
              {p.unit}: {p.text} <Progress percent={p.percent} size="small" style={{ width: 200, display: 'inline-block', marginLeft: 8 }} />
            </div>
          ))}
        </Card>
      )}
      <Table<CampaignLine>
        rowKey="borrower"
        size="small"
        dataSource={lines}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        columns={[
          { title: t('group'), dataIndex: 'group' },
          { title: t('borrower'), dataIndex: 'borrower' },
          { title: t('name'), dataIndex: 'name' },
          { title: t('principal'), dataIndex: 'principal_dong', align: 'right', render: dong },
          { title: t('interestDue'), dataIndex: 'interest_dong', align: 'right', render: dong },
          { title: t('savings'), dataIndex: 'savings_dong', align: 'right', render: dong },
          {
            title: t('status'),
            render: (_, l) =>
              l.answer ? (
                <Tag>{l.answer}</Tag>
              ) : may(me, 'entrusted') ? (
                <Space>
                  <Button size="small" onClick={() => answer(l.borrower, true)}>
                    {t('confirm')}
                  </Button>
                  <Button size="small" danger onClick={() => answer(l.borrower, false)}>
                    ≠
                  </Button>
                </Space>
              ) : null,
          },
        ]}
      />
    </Space>
  );
}

interface DueLoan {
  group: string;
  loan: string;
  borrower: string;
  program: string;
  disbursed_on: string;
  deadline?: string;
  days_left?: number;
  last_transaction?: string;
  inspected_on: string | null;
}

function Inspections() {
  const { t, lang } = useI18n();
  const me = useMe();
  const [office, setOffice] = useState(me.scope.startsWith('office:') ? scopeCode(me.scope) : '');
  const [fresh, setFresh] = useState<DueLoan[]>([]);
  const [dormant, setDormant] = useState<DueLoan[]>([]);
  const [error, setError] = useState('');
  useEffect(() => {
    if (!office) return;
    Promise.all([
      get<{ loans: DueLoan[] }>('/api/inspections/new-loans', { office }),
      get<{ loans: DueLoan[] }>('/api/inspections/dormant', { office }),
    ])
      .then(([a, b]) => {
        setFresh(a.loans);
        setDormant(b.loans);
        setError('');
      })
      .catch((e) => setError(errorText(e, lang)));
  }, [office, lang]);
  const columns = [
    { title: t('group'), dataIndex: 'group' },
    { title: t('loan'), dataIndex: 'loan' },
    { title: t('borrower'), dataIndex: 'borrower' },
    { title: t('program'), dataIndex: 'program' },
    { title: t('disburse'), dataIndex: 'disbursed_on', render: viDate },
    { title: t('date'), render: (_: unknown, l: DueLoan) => viDate(l.deadline ?? l.last_transaction) },
    { title: t('status'), dataIndex: 'inspected_on', render: (d: string | null) => (d ? viDate(d) : '') },
  ];
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Input aria-label={t('office')} addonBefore={t('office')} value={office} onChange={(e) => setOffice(e.target.value.trim())} style={{ width: 260 }} />
      {error && <Alert type="error" message={error} />}
      <Card size="small" title={lang === 'vi' ? 'Khoản vay mới cần kiểm tra (06/TD)' : 'New loans to inspect (06/TD)'}>
        <Table rowKey="loan" size="small" dataSource={fresh} columns={columns} pagination={{ pageSize: 20, hideOnSinglePage: true }} />
      </Card>
      <Card size="small" title={lang === 'vi' ? 'Khoản vay không phát sinh giao dịch 3 tháng' : 'Loans with no transaction for 3 months'}>
        <Table rowKey="loan" size="small" dataSource={dormant} columns={columns} pagination={{ pageSize: 20, hideOnSinglePage: true }} />
      </Card>
    </Space>
  );
}

interface Rated {
  month: string | null;
  by_class: { tot: number; kha: number; trung_binh: number; yeu: number };
  groups: { group: string; name: string; total: number; class: string }[];
}

function Ratings() {
  const { t, lang } = useI18n();
  const me = useMe();
  const { message } = App.useApp();
  const [report, setReport] = useState<Rated | null>(null);
  const [month, setMonth] = useState<Dayjs | null>(dayjs().subtract(1, 'month'));
  const [version, setVersion] = useState(0);
  useEffect(() => {
    get<Rated>('/api/reports/ratings').then(setReport).catch((e) => message.error(errorText(e, lang)));
  }, [version, lang, message]);
  const run = async () => {
    try {
      await send('POST', `/api/ratings/${(month ?? dayjs()).format('YYYY-MM')}`, undefined);
      setVersion((v) => v + 1);
    } catch (e) {
      message.error(errorText(e, lang));
    }
  };
  const classes = lang === 'vi' ? ['Tốt', 'Khá', 'Trung bình', 'Yếu'] : ['Good', 'Fair', 'Average', 'Weak'];
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {may(me, 'operate') && (
        <Space>
          <DatePicker picker="month" aria-label={t('date')} format="MM/YYYY" value={month} onChange={setMonth} />
          <Button onClick={run}>{t('ratings')}</Button>
        </Space>
      )}
      {report && (
        <>
          <Space wrap>
            {(['tot', 'kha', 'trung_binh', 'yeu'] as const).map((k, i) => (
              <Tag key={k}>
                {classes[i]}: {num(report.by_class[k])}
              </Tag>
            ))}
            <Tag>{report.month ?? '–'}</Tag>
          </Space>
          <Table rowKey="group" size="small" dataSource={report.groups} pagination={{ pageSize: 50, hideOnSinglePage: true }} columns={[
            { title: t('group'), dataIndex: 'group' },
            { title: t('name'), dataIndex: 'name' },
            { title: t('total'), dataIndex: 'total' },
            { title: t('status'), dataIndex: 'class' },
          ]} />
        </>
      )}
    </Space>
  );
}

interface PlanLine {
  program: string;
  program_name: string;
  target_dong: number;
  allocated_dong: number;
  outstanding_dong: number;
  attainment_bp: number;
}

function Plans() {
  const { t, lang } = useI18n();
  const me = useMe();
  const { message } = App.useApp();
  const [year, setYear] = useState(dayjs().year());
  const [lines, setLines] = useState<PlanLine[]>([]);
  const [version, setVersion] = useState(0);
  const [target, setTarget] = useState<{ program: string; amount: number | null }>({ program: '01', amount: null });
  useEffect(() => {
    get<{ lines: PlanLine[] }>(`/api/plans/${year}`)
      .then((p) => setLines(p.lines))
      .catch((e) => {
        setLines([]);
        message.error(errorText(e, lang));
      });
  }, [year, version, lang, message]);
  const set = async () => {
    try {
      await send('POST', '/api/plans', { year, program: target.program, amount_dong: target.amount, unit: scopeCode(me.scope) || 'national' });
      setVersion((v) => v + 1);
    } catch (e) {
      message.error(errorText(e, lang));
    }
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <InputNumber aria-label={t('date')} value={year} min={2000} max={2100} onChange={(v) => v && setYear(v)} />
        {may(me, 'plan') && (
          <>
            <Input aria-label={t('program')} addonBefore={t('program')} value={target.program} onChange={(e) => setTarget({ ...target, program: e.target.value.trim() })} style={{ width: 180 }} />
            <InputNumber<number> aria-label={t('amount')} placeholder={t('amount')} value={target.amount} onChange={(v) => setTarget({ ...target, amount: v })} style={{ width: 200 }} formatter={(v) => (v ? new Intl.NumberFormat('vi-VN').format(Number(v)) : '')} parser={(v) => Number((v ?? '').replace(/\./g, ''))} />
            <Button onClick={set}>{t('submit')}</Button>
          </>
        )}
      </Space>
      <Table rowKey="program" size="small" pagination={false} dataSource={lines} columns={[
        { title: t('program'), render: (_, l: PlanLine) => `${l.program} – ${l.program_name}` },
        { title: t('plan'), dataIndex: 'target_dong', align: 'right', render: dong },
        { title: t('outstanding'), dataIndex: 'outstanding_dong', align: 'right', render: dong },
        { title: t('attainment'), dataIndex: 'attainment_bp', align: 'right', render: percentBp },
      ]} />
    </Space>
  );
}

export default function Entrusted() {
  const { lang } = useI18n();
  const vi = lang === 'vi';
  return (
    <Tabs
      items={[
        { key: 'r', label: vi ? 'Đối chiếu (15/TD)' : 'Reconciliation (15/TD)', children: <Reconciliation /> },
        { key: 'i', label: vi ? 'Kiểm tra (06/TD)' : 'Inspections (06/TD)', children: <Inspections /> },
        { key: 'g', label: vi ? 'Xếp loại tổ (BC0437)' : 'Group ratings (BC0437)', children: <Ratings /> },
        { key: 'p', label: vi ? 'Kế hoạch' : 'Plans', children: <Plans /> },
      ]}
    />
  );
}
