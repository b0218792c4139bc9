// A loan action, confirmed with the journal entry it will post (the server
// computes it: POST /api/loans/{code}/preview); a write-off, freeze or
// reversal waits for a second person.
import { useState } from 'react';
import { Alert, App, Button, DatePicker, Descriptions, Form, Input, InputNumber, Modal, Select, Table } from 'antd';
import { Dayjs } from 'dayjs';
import { send, sendOnce } from '../api';
import { chosen, dong, errorText, useI18n } from '../i18n';
import { may, useMe } from '../me';
import type { LoanPage } from './Borrowers';

const kinds: Record<string, [string, string]> = {
  disburse: ['Giải ngân', 'Disbursement'],
  pay: ['Thu nợ (tiền mặt)', 'Payment (cash)'],
  pay_savings: ['Trả nợ từ tiền gửi', 'Payment from savings'],
  reschedule: ['Điều chỉnh kỳ hạn', 'Reschedule'],
  extend: ['Gia hạn nợ', 'Extension'],
  freeze: ['Khoanh nợ', 'Freeze'],
  writeoff: ['Xóa nợ', 'Write-off'],
  inherit: ['Thừa kế nợ', 'Inheritance'],
  reverse: ['Hủy giao dịch gần nhất', 'Reverse the last transaction'],
};

interface Preview {
  held: boolean;
  postings: { account: string; amount_dong: number }[];
}

export default function LoanActions({ loan, onDone }: { loan: LoanPage; onDone: () => void }) {
  const { t, lang } = useI18n();
  const me = useMe();
  const { message, modal } = App.useApp();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm();
  const kind = Form.useWatch('kind', form) as string | undefined;
  if (!may(me, 'lend')) return null;
  const confirm = async () => {
    const v = (await form.validateFields()) as { kind: string; amount_dong?: number; months?: number; heir?: string; date?: Dayjs };
    const body = {
      kind: v.kind,
      amount_dong: v.amount_dong || undefined,
      months: v.months || undefined,
      heir: v.heir || undefined,
      date: v.date?.format('YYYY-MM-DD'),
    };
    // The entry the action would post, computed by the server's own rules.
    let preview: Preview;
    try {
      preview = await send<Preview>('POST', `/api/loans/${encodeURIComponent(loan.code)}/preview`, body);
    } catch (e) {
      message.error(errorText(e, lang));
      return;
    }
    modal.confirm({
      title: `${t('confirm')}: ${(kinds[v.kind] ?? [v.kind, v.kind])[lang === 'vi' ? 0 : 1]} — ${loan.code}`,
      width: 640,
      content: (
        <>
          <Descriptions size="small" column={1}>
            <Descriptions.Item label={t('amount')}>{v.amount_dong ? dong(v.amount_dong) : '–'}</Descriptions.Item>
          </Descriptions>
          <Table
            size="small"
            pagination={false}
            rowKey="account"
            title={() => t('journal')}
            locale={{ emptyText: t('nothing') }}
            dataSource={preview.postings}
            columns={[
              { title: 'TK / Account', dataIndex: 'account' },
              { title: 'Nợ / Dr', align: 'right', render: (_, p) => (p.amount_dong > 0 ? dong(p.amount_dong) : '') },
              { title: 'Có / Cr', align: 'right', render: (_, p) => (p.amount_dong < 0 ? dong(-p.amount_dong) : '') },
            ]}
          />
          {preview.held && <Alert type="info" showIcon message={t('pending')} style={{ marginTop: 8 }} />}
        </>
      ),
      okText: t('confirm'),
      cancelText: t('cancel'),
      onOk: async () => {
        try {
          // The same action sent again after a lost answer (the dialog
          // reopened, the page reloaded) goes under the same key: posted once.
          const r = await sendOnce<{ status?: string; request?: number; repeated?: boolean }>(
            'POST',
            `/api/loans/${encodeURIComponent(loan.code)}/actions`,
            body,
          );
          if (r.repeated) message.info(t('repeated'));
          else message.success(r.status === 'pending_approval' ? `${t('pending')} (#${r.request})` : t('posted'));
          setOpen(false);
          onDone();
        } catch (e) {
          message.error(errorText(e, lang));
        }
      },
    });
  };
  return (
    <>
      <Button onClick={() => setOpen(true)}>{t('actions')}</Button>
      <Modal open={open} title={`${t('actions')} — ${loan.code}`} onOk={confirm} onCancel={() => setOpen(false)} okText={t('confirm')} cancelText={t('cancel')}>
        <Form form={form} layout="vertical" initialValues={{ kind: 'pay' }}>
          <Form.Item label={t('kind')} name="kind" rules={[chosen(t)]}>
            <Select options={Object.entries(kinds).map(([k, v]) => ({ value: k, label: v[lang === 'vi' ? 0 : 1] }))} />
          </Form.Item>
          {(kind === 'pay' || kind === 'pay_savings' || kind === 'disburse') && (
            <Form.Item label={t('amount')} name="amount_dong" rules={[{ required: kind !== 'disburse' }]}>
              <InputNumber<number>
                min={1}
                max={1e15}
                style={{ width: '100%' }}
                formatter={(v) => (v ? new Intl.NumberFormat('vi-VN').format(Number(v)) : '')}
                parser={(v) => Number((v ?? '').replace(/\./g, ''))}
                addonAfter="đ"
              />
            </Form.Item>
          )}
          {(kind === 'reschedule' || kind === 'extend' || kind === 'freeze') && (
            <Form.Item label={t('months')} name="months" rules={[{ required: true }]}>
              <InputNumber min={1} max={120} />
            </Form.Item>
          )}
          {kind === 'inherit' && (
            <Form.Item label={t('heir')} name="heir" rules={[{ required: true }]}>
              <Input />
            </Form.Item>
          )}
          <Form.Item label={t('date')} name="date">
            <DatePicker format="DD/MM/YYYY" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
