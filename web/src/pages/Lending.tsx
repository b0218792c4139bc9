// The lending workflow: application (the program's limits checked as the
// officer types) → review → approval or rejection → disbursement.
import { useEffect, useMemo, useState } from 'react';
import { Alert, App, Button, Card, Form, Input, InputNumber, Select, Space, Table, Tag } from 'antd';
import { get, send, sendOnce } from '../api';
import { chosen, dong, errorText, useI18n } from '../i18n';
import { may, useMe } from '../me';
import { askReason } from '../reason';

interface Program {
  code: string;
  name_vi: string;
  name_en: string;
  rate_percent: string;
  max_amount_dong: number;
  max_amount_basis: string;
  max_term_months: number;
}
interface LoanRow {
  code: string;
  borrower: string;
  program: string;
  status: string;
  approved_dong: number;
}

export function scopeCode(scope: string): string {
  return scope.includes(':') ? scope.slice(scope.indexOf(':') + 1) : scope;
}

export default function Lending() {
  const { t, lang } = useI18n();
  const me = useMe();
  const { message, modal } = App.useApp();
  const [programs, setPrograms] = useState<Program[]>([]);
  const [office, setOffice] = useState(me.scope.startsWith('office:') ? scopeCode(me.scope) : '');
  const [applied, setApplied] = useState<LoanRow[]>([]);
  const [approved, setApproved] = useState<LoanRow[]>([]);
  const [version, setVersion] = useState(0);
  const [error, setError] = useState('');
  const [form] = Form.useForm();
  const programCode = Form.useWatch('program', form) as string | undefined;
  const program = useMemo(() => programs.find((p) => p.code === programCode), [programs, programCode]);

  useEffect(() => {
    get<{ programs: Program[] }>('/api/programs').then((r) => setPrograms(r.programs)).catch(() => {});
  }, []);
  useEffect(() => {
    if (!office) return;
    Promise.all([
      get<{ loans: LoanRow[] }>('/api/loans', { office, status: 'applied' }),
      get<{ loans: LoanRow[] }>('/api/loans', { office, status: 'approved' }),
    ])
      .then(([a, b]) => {
        setApplied(a.loans);
        setApproved(b.loans);
        setError('');
      })
      .catch((e) => setError(errorText(e, lang)));
  }, [office, version, lang]);

  const apply = async (v: { code: string; borrower: string; program: string; amount_dong: number; term_months: number }) => {
    try {
      const r = await sendOnce<{ code: string; status: string }>('POST', '/api/loans', v);
      message.success(`${r.code}: ${r.status}`);
      form.resetFields();
      setVersion((x) => x + 1);
    } catch (e) {
      message.error(errorText(e, lang));
    }
  };
  // A decision and a disbursement happen once by the loan's own state (an
  // application decided, a loan disbursed, answers so).
  const decide = async (code: string, approve: boolean) => {
    const reason = approve ? undefined : await askReason(modal, t, `${t('reject')} — ${code}`);
    if (reason === null) return;
    try {
      const r = await send<{ status: string; request?: number }>('POST', `/api/loans/${encodeURIComponent(code)}/decision`, {
        approve,
        reason,
      });
      message.success(r.status === 'pending_approval' ? `${t('pending')} (#${r.request})` : `${code}: ${r.status}`);
      setVersion((x) => x + 1);
    } catch (e) {
      message.error(errorText(e, lang));
    }
  };
  const disburse = async (code: string) => {
    try {
      await send('POST', `/api/loans/${encodeURIComponent(code)}/actions`, { kind: 'disburse' });
      message.success(`${code}: ${t('disburse')}`);
      setVersion((x) => x + 1);
    } catch (e) {
      message.error(errorText(e, lang));
    }
  };
  const columns = (action: (row: LoanRow) => JSX.Element) => [
    { title: t('code'), dataIndex: 'code' },
    { title: t('borrower'), dataIndex: 'borrower' },
    { title: t('program'), dataIndex: 'program' },
    { title: t('amount'), dataIndex: 'approved_dong', align: 'right' as const, render: dong },
    { title: t('status'), dataIndex: 'status', render: (s: string) => <Tag>{s}</Tag> },
    { title: '', render: (_: unknown, row: LoanRow) => action(row) },
  ];
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {!me.scope.startsWith('office:') && (
        <Input addonBefore={t('office')} value={office} onChange={(e) => setOffice(e.target.value.trim())} style={{ maxWidth: 320 }} />
      )}
      {error && <Alert type="error" message={error} />}
      {may(me, 'lend') && (
        <Card title={t('apply')}>
          <Form form={form} layout="inline" onFinish={apply} style={{ rowGap: 12 }}>
            <Form.Item label={t('code')} name="code" rules={[{ required: true, pattern: /^[A-Za-z0-9_-]{1,32}$/ }]}>
              <Input style={{ width: 140 }} />
            </Form.Item>
            <Form.Item label={t('borrower')} name="borrower" rules={[{ required: true, pattern: /^[0-9]{1,32}$/ }]}>
              <Input style={{ width: 140 }} />
            </Form.Item>
            <Form.Item label={t('program')} name="program" rules={[chosen(t)]}>
              <Select
                style={{ width: 260 }}
                showSearch
                optionFilterProp="label"
                options={programs.map((p) => ({ value: p.code, label: `${p.code} – ${lang === 'vi' ? p.name_vi : p.name_en}` }))}
              />
            </Form.Item>
            <Form.Item
              label={t('amount')}
              name="amount_dong"
              extra={program ? `≤ ${dong(program.max_amount_dong)} (${program.max_amount_basis}); ${program.rate_percent} %/tháng` : undefined}
              rules={[
                { required: true },
                {
                  validator: (_, v: number) =>
                    !program || program.max_amount_basis !== 'household' || !v || v <= program.max_amount_dong
                      ? Promise.resolve()
                      : Promise.reject(
                          new Error(
                            lang === 'vi'
                              ? `Vượt mức cho vay tối đa ${dong(program.max_amount_dong)}`
                              : `Above the program's limit of ${dong(program.max_amount_dong)}`,
                          ),
                        ),
                },
              ]}
            >
              <InputNumber<number>
                min={1}
                max={1e15}
                style={{ width: 200 }}
                formatter={(v) => (v ? new Intl.NumberFormat('vi-VN').format(Number(v)) : '')}
                parser={(v) => Number((v ?? '').replace(/\./g, ''))}
              />
            </Form.Item>
            <Form.Item
              label={t('termMonths')}
              name="term_months"
              rules={[
                { required: true },
                {
                  validator: (_, v: number) =>
                    !program || !v || v <= program.max_term_months
                      ? Promise.resolve()
                      : Promise.reject(new Error(lang === 'vi' ? `Tối đa ${program.max_term_months} tháng` : `At most ${program.max_term_months} months`)),
                },
              ]}
            >
              <InputNumber min={1} max={240} />
            </Form.Item>
            <Button type="primary" htmlType="submit">
              {t('submit')}
            </Button>
          </Form>
        </Card>
      )}
      <Card title={`${t('approve')} — ${t('status')}: applied`}>
        <Table
          rowKey="code"
          size="small"
          pagination={false}
          dataSource={applied}
          columns={columns((row) =>
            may(me, 'approve') || may(me, 'lend') ? (
              <Space>
                <Button size="small" type="primary" onClick={() => decide(row.code, true)}>
                  {t('approve')}
                </Button>
                <Button size="small" danger onClick={() => decide(row.code, false)}>
                  {t('reject')}
                </Button>
              </Space>
            ) : (
              <></>
            ),
          )}
        />
      </Card>
      <Card title={`${t('disburse')} — ${t('status')}: approved`}>
        <Table
          rowKey="code"
          size="small"
          pagination={false}
          dataSource={approved}
          columns={columns((row) =>
            may(me, 'lend') ? (
              <Button size="small" onClick={() => disburse(row.code)}>
                {t('disburse')}
              </Button>
            ) : (
              <></>
            ),
          )}
        />
      </Card>
    </Space>
  );
}
