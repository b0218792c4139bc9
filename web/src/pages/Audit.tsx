// The audit trail (auditors and administrators), newest first, filtered.
import { useEffect, useState } from 'react';
import { Button, Input, Space, Table } from 'antd';
import dayjs from 'dayjs';
import { get } from '../api';
import { useI18n } from '../i18n';

interface Record_ {
  seq: number;
  at_micros: number;
  actor: string;
  role: string;
  origin: string;
  action: string;
  subject: string;
  before: unknown;
  after: unknown;
}

export default function Audit() {
  const { t } = useI18n();
  const [filter, setFilter] = useState({ actor: '', action: '', subject: '' });
  const [records, setRecords] = useState<Record_[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const load = (before?: number) =>
    get<{ records: Record_[]; next_before: number | null }>('/api/audit', { ...filter, before, limit: 100 }).then((r) => {
      setRecords(before ? [...records, ...r.records] : r.records);
      setNext(r.next_before);
    });
  useEffect(() => {
    load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [filter]);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        {(['actor', 'action', 'subject'] as const).map((k) => (
          <Input key={k} aria-label={t(k)} placeholder={t(k)} onPressEnter={(e) => setFilter({ ...filter, [k]: (e.target as HTMLInputElement).value.trim() })} style={{ width: 200 }} />
        ))}
      </Space>
      <Table<Record_>
        rowKey="seq"
        size="small"
        dataSource={records}
        pagination={false}
        scroll={{ x: true }}
        columns={[
          { title: '#', dataIndex: 'seq' },
          { title: t('when'), dataIndex: 'at_micros', render: (m: number) => dayjs(m / 1000).format('DD/MM/YYYY HH:mm:ss') },
          { title: t('actor'), render: (_, r) => `${r.actor} (${r.role})` },
          { title: t('action'), dataIndex: 'action' },
          { title: t('subject'), dataIndex: 'subject' },
          { title: 'Trước / before', dataIndex: 'before', render: (v: unknown) => <code>{v ? JSON.stringify(v) : ''}</code> },
          { title: 'Sau / after', dataIndex: 'after', render: (v: unknown) => <code>{v ? JSON.stringify(v) : ''}</code> },
        ]}
      />
      {next && <Button onClick={() => load(next)}>…</Button>}
    </Space>
  );
}
