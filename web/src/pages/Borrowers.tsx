// Borrowers: search as you type (no diacritics needed), a borrower's page
// with their loans, a loan's schedule and transactions, savings, and the
// loan actions.
import { useEffect, useRef, useState } from 'react';
import { Alert, Card, Descriptions, Input, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useSearchParams } from 'react-router-dom';
import { get } from '../api';
import { dong, errorText, useI18n, viDate } from '../i18n';
import LoanActions from './LoanActions';

interface Found {
  code: string;
  name: string;
  citizen_id: string;
  birth_date: string;
  sex: string;
}
interface BorrowerPage {
  code: string;
  name: string;
  citizen_id: string;
  birth_date: string;
  sex: string;
  address: string;
  on: string;
  group: string | null;
  point: string | null;
  office: string | null;
  savings_dong: number;
  loans: { code: string; program: string; status: string; approved_dong: number; principal_dong: number }[];
  savings_transactions: Movement[];
  more_savings_transactions: boolean;
  reconciliations: {
    campaign: string;
    as_of: string;
    principal_dong: number;
    interest_dong: number;
    savings_dong: number;
    answer: string | null;
    note: string;
    answered_on: string | null;
    resolution: string | null;
    resolved_on: string | null;
  }[];
}
export interface LoanPage {
  code: string;
  status: string;
  borrower_code: string;
  program: string;
  approved_dong: number;
  disbursed_dong: number;
  principal_dong: number;
  overdue_dong: number;
  frozen_dong: number;
  interest_due_dong: number;
  maturity: string;
  next_due: string;
  schedule: { due: string; amount_dong: number; paid_dong: number; state: string }[];
  transactions: Movement[];
}

// A loan's transactions or a savings account's movements: date, kind,
// amount, and the transaction that reversed it.
interface Movement {
  id: number;
  date: string;
  kind: string;
  amount_dong: number;
  reversed_by: number | null;
}
function Movements({ rows }: { rows: Movement[] }) {
  const { t } = useI18n();
  return (
    <Table<Movement>
      rowKey="id"
      size="small"
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
      dataSource={rows}
      locale={{ emptyText: t('nothing') }}
      columns={[
        { title: t('date'), dataIndex: 'date', render: viDate },
        { title: t('kind'), dataIndex: 'kind' },
        { title: t('amount'), dataIndex: 'amount_dong', align: 'right', render: dong },
        { title: '', dataIndex: 'reversed_by', render: (r: number | null) => (r ? `↩ #${r}` : '') },
      ]}
    />
  );
}

export default function Borrowers() {
  const { t, lang } = useI18n();
  const [params, setParams] = useSearchParams();
  const [q, setQ] = useState(params.get('q') ?? '');
  const [found, setFound] = useState<Found[]>([]);
  const [error, setError] = useState('');
  const code = params.get('code');
  const timer = useRef<number>();
  useEffect(() => {
    window.clearTimeout(timer.current);
    if (q.trim().length < 2) {
      setFound([]);
      return;
    }
    timer.current = window.setTimeout(() => {
      get<{ borrowers: Found[] }>('/api/borrowers', { q: q.trim(), limit: 50 })
        .then((r) => {
          setFound(r.borrowers);
          setError('');
        })
        .catch((e) => setError(errorText(e, lang)));
    }, 250);
  }, [q, lang]);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Input.Search
        aria-label={t('search')}
        placeholder={t('searchHint')}
        value={q}
        onChange={(e) => setQ(e.target.value)}
        allowClear
        style={{ maxWidth: 520 }}
      />
      {error && <Alert type="error" message={error} />}
      {!code && (
        <Table<Found>
          rowKey="code"
          size="small"
          dataSource={found}
          pagination={false}
          locale={{ emptyText: t('nothing') }}
          onRow={(b) => ({ onClick: () => setParams({ q, code: b.code }), style: { cursor: 'pointer' } })}
          columns={[
            { title: t('code'), dataIndex: 'code' },
            { title: t('name'), dataIndex: 'name' },
            { title: t('citizenId'), dataIndex: 'citizen_id' },
            { title: t('birthDate'), dataIndex: 'birth_date', render: (d: string) => viDate(d) },
          ]}
        />
      )}
      {code && <Borrower code={code} onBack={() => setParams({ q })} />}
    </Space>
  );
}

function Borrower({ code, onBack }: { code: string; onBack: () => void }) {
  const { t, lang } = useI18n();
  const [page, setPage] = useState<BorrowerPage | null>(null);
  const [loan, setLoan] = useState<LoanPage | null>(null);
  const [error, setError] = useState('');
  const [version, setVersion] = useState(0);
  useEffect(() => {
    get<BorrowerPage>(`/api/borrowers/${encodeURIComponent(code)}`)
      .then((p) => {
        setPage(p);
        setError('');
      })
      .catch((e) => {
        setPage(null);
        setError(errorText(e, lang));
      });
  }, [code, lang, version]);
  const openLoan = (loanCode: string) =>
    get<LoanPage>(`/api/loans/${encodeURIComponent(loanCode)}`)
      .then(setLoan)
      .catch((e) => setError(errorText(e, lang)));
  useEffect(() => {
    if (loan) openLoan(loan.code);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [version]);
  if (error)
    return (
      <Alert
        type="error"
        message={error}
        role="alert"
        action={<Typography.Link onClick={onBack}>{t('search')}</Typography.Link>}
      />
    );
  if (!page) return null;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Card title={`${page.name} (${page.code})`} extra={<Typography.Link onClick={onBack}>{t('search')}</Typography.Link>}>
        <Descriptions size="small" column={{ xs: 1, md: 3 }}>
          <Descriptions.Item label={t('citizenId')}>{page.citizen_id}</Descriptions.Item>
          <Descriptions.Item label={t('birthDate')}>{viDate(page.birth_date)}</Descriptions.Item>
          <Descriptions.Item label={t('address')}>{page.address || '–'}</Descriptions.Item>
          <Descriptions.Item label={t('group')}>{page.group ?? '–'}</Descriptions.Item>
          <Descriptions.Item label={t('point')}>{page.point ?? '–'}</Descriptions.Item>
          <Descriptions.Item label={t('office')}>{page.office ?? '–'}</Descriptions.Item>
          <Descriptions.Item label={t('savings')}>{dong(page.savings_dong)}</Descriptions.Item>
        </Descriptions>
      </Card>
      <Card title={t('loans')}>
        <Table
          rowKey="code"
          size="small"
          pagination={false}
          dataSource={page.loans}
          onRow={(l) => ({ onClick: () => openLoan(l.code), style: { cursor: 'pointer' } })}
          columns={[
            { title: t('code'), dataIndex: 'code' },
            { title: t('program'), dataIndex: 'program' },
            { title: t('status'), dataIndex: 'status', render: (s: string) => <Tag>{s}</Tag> },
            { title: t('amount'), dataIndex: 'approved_dong', align: 'right', render: dong },
            { title: t('principal'), dataIndex: 'principal_dong', align: 'right', render: dong },
          ]}
        />
      </Card>
      <Card size="small">
        <Tabs
          items={[
            {
              key: 'savings',
              label: `${t('savingsMovements')} (${page.savings_transactions.length}${page.more_savings_transactions ? '+' : ''})`,
              children: (
                <Movements rows={page.savings_transactions} />
              ),
            },
            {
              key: 'reconciliations',
              label: `${t('reconciliations')} (${page.reconciliations.length})`,
              children: (
                <Table
                  rowKey="campaign"
                  size="small"
                  pagination={false}
                  dataSource={page.reconciliations}
                  locale={{ emptyText: t('nothing') }}
                  columns={[
                    { title: t('code'), dataIndex: 'campaign' },
                    { title: t('date'), dataIndex: 'as_of', render: viDate },
                    { title: t('principal'), dataIndex: 'principal_dong', align: 'right', render: dong },
                    { title: t('interestDue'), dataIndex: 'interest_dong', align: 'right', render: dong },
                    { title: t('savings'), dataIndex: 'savings_dong', align: 'right', render: dong },
                    {
                      title: t('answer'),
                      render: (_, r) =>
                        r.answer ? (
                          <span>
                            <Tag color={r.answer === 'confirmed' ? 'green' : 'orange'}>{r.answer === 'confirmed' ? t('confirm') : t('discrepancy')}</Tag>
                            {r.answered_on && viDate(r.answered_on)} {r.note}
                          </span>
                        ) : (
                          '–'
                        ),
                    },
                    {
                      title: t('resolution'),
                      render: (_, r) => (r.resolution ? `${r.resolved_on ? viDate(r.resolved_on) : ''} ${r.resolution}` : ''),
                    },
                  ]}
                />
              ),
            },
          ]}
        />
      </Card>
      {loan && (
        <Card
          title={`${t('loan')} ${loan.code} — ${loan.status}`}
          extra={<LoanActions loan={loan} onDone={() => setVersion((v) => v + 1)} />}
        >
          <Descriptions size="small" column={{ xs: 1, md: 4 }}>
            <Descriptions.Item label={t('principal')}>{dong(loan.principal_dong)}</Descriptions.Item>
            <Descriptions.Item label={t('overdue')}>{dong(loan.overdue_dong)}</Descriptions.Item>
            <Descriptions.Item label={t('frozen')}>{dong(loan.frozen_dong)}</Descriptions.Item>
            <Descriptions.Item label={t('interestDue')}>{dong(loan.interest_due_dong)}</Descriptions.Item>
          </Descriptions>
          <Tabs
            items={[
              {
                key: 's',
                label: t('schedule'),
                children: (
                  <Table
                    rowKey="due"
                    size="small"
                    pagination={false}
                    dataSource={loan.schedule}
                    columns={[
                      { title: t('date'), dataIndex: 'due', render: viDate },
                      { title: t('amount'), dataIndex: 'amount_dong', align: 'right', render: dong },
                      { title: t('posted'), dataIndex: 'paid_dong', align: 'right', render: dong },
                      { title: t('status'), dataIndex: 'state' },
                    ]}
                  />
                ),
              },
              {
                key: 't',
                label: t('transactions'),
                children: (
                  <Movements rows={loan.transactions} />
                ),
              },
            ]}
          />
        </Card>
      )}
    </Space>
  );
}
