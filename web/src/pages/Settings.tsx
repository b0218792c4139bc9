// Settings with effective dates: a program's rate (waits for a second
// person), its maximum amount, the savings rate, a public holiday.
import { useEffect, useState } from 'react';
import { App, Button, Card, DatePicker, Form, Input, InputNumber, Select, Space, Table } from 'antd';
import { Dayjs } from 'dayjs';
import { get, send } from '../api';
import { chosen, dong, errorText, useI18n, viDate } from '../i18n';

interface Program {
  code: string;
  name_vi: string;
  name_en: string;
  valid_from: string;
  rate_percent: string;
  max_amount_dong: number;
  max_term_months: number;
}

export default function Settings() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [programs, setPrograms] = useState<Program[]>([]);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    get<{ programs: Program[] }>('/api/programs').then((r) => setPrograms(r.programs)).catch(() => {});
  }, [version]);
  const run = async (method: string, path: string, body: unknown) => {
    try {
      const r = await send<{ status?: string; request?: number }>(method, path, body);
      message.success(r.status === 'pending_approval' ? `${t('pending')} (#${r.request})` : t('posted'));
      setVersion((v) => v + 1);
    } catch (e) {
      message.error(errorText(e, lang));
    }
  };
  const iso = (d?: Dayjs) => d?.format('YYYY-MM-DD');
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Table<Program>
        rowKey="code"
        size="small"
        pagination={false}
        dataSource={programs}
        columns={[
          { title: t('code'), dataIndex: 'code' },
          { title: t('name'), render: (_, p) => (lang === 'vi' ? p.name_vi : p.name_en) },
          { title: t('from'), dataIndex: 'valid_from', render: viDate },
          { title: t('rate'), dataIndex: 'rate_percent' },
          { title: t('amount'), dataIndex: 'max_amount_dong', align: 'right', render: dong },
          { title: t('termMonths'), dataIndex: 'max_term_months' },
        ]}
      />
      <Card size="small" title={t('rate')}>
        <Form layout="inline" onFinish={(v: { program: string; from: Dayjs; rate_percent: string }) => run('POST', v.program === 'savings' ? '/api/savings/rates' : `/api/programs/${v.program}/rates`, { from: iso(v.from), rate_percent: v.rate_percent })}>
          <Form.Item name="program" label={t('program')} rules={[chosen(t)]}>
            <Select style={{ width: 220 }} options={[...programs.map((p) => ({ value: p.code, label: `${p.code} – ${lang === 'vi' ? p.name_vi : p.name_en}` })), { value: 'savings', label: t('savings') }]} />
          </Form.Item>
          <Form.Item name="from" label={t('from')} rules={[{ required: true }]}>
            <DatePicker format="DD/MM/YYYY" />
          </Form.Item>
          <Form.Item name="rate_percent" label={t('rate')} rules={[{ required: true, pattern: /^[0-9]+([.,][0-9]{1,4})?$/ }]}>
            <Input placeholder="0,55" style={{ width: 100 }} />
          </Form.Item>
          <Button htmlType="submit">{t('sendRequest')}</Button>
        </Form>
      </Card>
      <Card size="small" title={`${t('amount')} (max)`}>
        <Form layout="inline" onFinish={(v: { program: string; from: Dayjs; max_amount_dong: number }) => run('POST', `/api/programs/${v.program}/limits`, { from: iso(v.from), max_amount_dong: v.max_amount_dong })}>
          <Form.Item name="program" label={t('program')} rules={[chosen(t)]}>
            <Select style={{ width: 220 }} options={programs.map((p) => ({ value: p.code, label: p.code }))} />
          </Form.Item>
          <Form.Item name="from" label={t('from')} rules={[{ required: true }]}>
            <DatePicker format="DD/MM/YYYY" />
          </Form.Item>
          <Form.Item name="max_amount_dong" label={t('amount')} rules={[{ required: true }]}>
            <InputNumber<number> min={1} max={1e15} style={{ width: 200 }} formatter={(v) => (v ? new Intl.NumberFormat('vi-VN').format(Number(v)) : '')} parser={(v) => Number((v ?? '').replace(/\./g, ''))} />
          </Form.Item>
          <Button htmlType="submit">{t('submit')}</Button>
        </Form>
      </Card>
      <Card size="small" title={t('holidays')}>
        <Form layout="inline" onFinish={(v: { date: Dayjs; name_vi: string; name_en: string }) => run('POST', '/api/holidays', { date: iso(v.date), name_vi: v.name_vi, name_en: v.name_en })}>
          <Form.Item name="date" label={t('date')} rules={[{ required: true }]}>
            <DatePicker format="DD/MM/YYYY" />
          </Form.Item>
          <Form.Item name="name_vi" label="Tên" rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Form.Item name="name_en" label="Name" rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Button htmlType="submit">{t('add')}</Button>
        </Form>
      </Card>
    </Space>
  );
}
