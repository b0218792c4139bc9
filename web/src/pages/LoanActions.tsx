// A loan action, confirmed with the journal entry it will post (RULES §11);
// a write-off, freeze or reversal waits for a second person.
import { useState } from 'react';
import { App, Button, DatePicker, Descriptions, Form, Input, InputNumber, Modal, Select, Table } from 'antd';
import { Dayjs } from 'dayjs';
import { newKey, send } from '../api';
import { dong, errorText, useI18n } from '../i18n';
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

// The postings of each action, as the ledger makes them (RULES §11).
function entry(kind: string, loan: LoanPage, amount: number): [string, string, string][] {
  const principal = loan.principal_dong;
  switch (kind) {
    case 'disburse':
      return [
        ['Nợ / Dr', 'LOAN_NORMAL', dong(amount || loan.approved_dong - loan.disbursed_dong)],
        ['Có / Cr', 'CASH_POINT', dong(amount || loan.approved_dong - loan.disbursed_dong)],
      ];
    case 'pay':
    case 'pay_savings':
      return [
        ['Nợ / Dr', kind === 'pay' ? 'CASH_POINT' : 'MEMBER_SAVINGS', dong(amount)],
        ['Có / Cr', 'INTEREST_RECEIVABLE', dong(Math.min(amount, loan.interest_due_dong))],
        ['Có / Cr', 'LOAN_OVERDUE → LOAN_NORMAL', dong(Math.max(0, amount - loan.interest_due_dong))],
      ];
    case 'freeze':
      return [
        ['Nợ / Dr', 'LOAN_FROZEN', dong(principal)],
        ['Có / Cr', 'LOAN_NORMAL, LOAN_OVERDUE', dong(principal)],
      ];
    case 'writeoff':
      return [
        ['Nợ / Dr', 'WRITE_OFF_PRINCIPAL', dong(principal)],
        ['Có / Cr', 'LOAN_FROZEN, LOAN_OVERDUE, LOAN_NORMAL', dong(principal)],
        ['Nợ / Dr', 'WRITE_OFF_INTEREST', dong(loan.interest_due_dong)],
        ['Có / Cr', 'INTEREST_RECEIVABLE', dong(loan.interest_due_dong)],
      ];
    case 'reschedule':
    case 'extend':
    case 'inherit':
      return [
        ['Nợ / Dr', kind === 'reschedule' ? 'MEMO_RESCHEDULED' : kind === 'extend' ? 'MEMO_EXTENDED' : 'MEMO_INHERITED', dong(principal)],
        ['Có / Cr', 'MEMO_CONTRA', dong(principal)],
      ];
    default:
      return [['', 'Bút toán đảo của giao dịch gần nhất / the last transaction reversed', '']];
  }
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
    const key = newKey();
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
            rowKey={(r) => r.join('|')}
            title={() => t('journal')}
            dataSource={entry(v.kind, loan, v.amount_dong ?? 0)}
            columns={[
              { title: '', render: (_, r) => r[0] },
              { title: 'TK / Account', render: (_, r) => r[1] },
              { title: t('amount'), align: 'right', render: (_, r) => r[2] },
            ]}
          />
        </>
      ),
      okText: t('confirm'),
      cancelText: t('cancel'),
      onOk: async () => {
        try {
          const r = await send<{ status?: string; request?: number }>(
            'POST',
            `/api/loans/${encodeURIComponent(loan.code)}/actions`,
            {
              kind: v.kind,
              amount_dong: v.amount_dong || undefined,
              months: v.months || undefined,
              heir: v.heir || undefined,
              date: v.date?.format('YYYY-MM-DD'),
            },
            key,
          );
          message.success(r.status === 'pending_approval' ? `${t('pending')} (#${r.request})` : t('posted'));
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
          <Form.Item label={t('kind')} name="kind" rules={[{ required: true }]}>
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
