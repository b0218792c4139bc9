// Reports for a unit and a date: shown as a table, exported to Excel, CSV or
// a printable page.
import { useEffect, useState } from 'react';
import { Alert, App, Button, DatePicker, Input, Progress, Select, Space, Table } from 'antd';
import { Dayjs } from 'dayjs';
import { download, downloadUrl, get } from '../api';
import { errorText, num, useI18n } from '../i18n';

const reports: Record<string, [string, string]> = {
  headline: ['Chỉ tiêu chính', 'Headline'],
  'by-commune': ['BCDHTD 01.1 – theo xã', 'By commune (01.1)'],
  'by-program': ['BCDHTD 01.2 – theo chương trình', 'By program (01.2)'],
  'by-group': ['LEN_31 – theo tổ', 'By group (LEN_31)'],
  ratings: ['BC0437 – xếp loại tổ', 'Group ratings (BC0437)'],
  narrative: ['Báo cáo tóm tắt', 'Narrative'],
};

export default function Reports() {
  const { t, lang } = useI18n();
  const [name, setName] = useState('headline');
  const [unit, setUnit] = useState('');
  const [at, setAt] = useState<Dayjs | null>(null);
  const [rows, setRows] = useState<Record<string, unknown>[]>([]);
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  const params = { unit: unit || undefined, at: at?.format('YYYY-MM-DD'), lang: lang === 'en' ? 'en' : undefined };
  const { message } = App.useApp();
  // A file being fetched: its format and the share received (null: unknown size).
  const [fetching, setFetching] = useState<{ format: string; percent: number | null; bytes: number } | null>(null);
  const save = async (format: 'xlsx' | 'csv') => {
    setFetching({ format, percent: 0, bytes: 0 });
    try {
      await download(`/api/reports/${name}`, { ...params, format }, `tdcs-${name}-${params.unit ?? 'area'}-${params.at ?? 'today'}.${format}`, (bytes, total) =>
        setFetching({ format, bytes, percent: total ? Math.round((bytes * 100) / total) : null }),
      );
    } catch (e) {
      message.error(errorText(e, lang));
    } finally {
      setFetching(null);
    }
  };
  useEffect(() => {
    setError('');
    get<Record<string, unknown>>(`/api/reports/${name}`, params)
      .then((r) => {
        if (typeof r.text === 'string') {
          setText(r.text);
          setRows([]);
          return;
        }
        setText('');
        const list = Object.values(r).find((v) => Array.isArray(v) && v.length && typeof v[0] === 'object') as
          | Record<string, unknown>[]
          | undefined;
        setRows(
          list ??
            Object.entries(r)
              .filter(([, v]) => typeof v !== 'object' || v === null)
              .map(([k, v]) => ({ key: k, value: v })),
        );
      })
      .catch((e) => setError(errorText(e, lang)));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [name, unit, at, lang]);
  const columns = rows.length
    ? Object.keys(rows[0])
        .filter((k) => typeof rows[0][k] !== 'object' || rows[0][k] === null)
        .map((k) => ({
          title: k,
          dataIndex: k,
          render: (v: unknown) => (typeof v === 'number' ? num(v) : String(v ?? '')),
        }))
    : [];
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <Select aria-label={t('report')} style={{ width: 300 }} value={name} onChange={setName} options={Object.entries(reports).map(([k, v]) => ({ value: k, label: v[lang === 'vi' ? 0 : 1] }))} />
        <Input aria-label={t('unit')} placeholder={`${t('unit')} (national, CN31, PGD312…)`} defaultValue={unit} onBlur={(e) => setUnit(e.target.value.trim())} onPressEnter={(e) => setUnit((e.target as HTMLInputElement).value.trim())} style={{ width: 260 }} />
        <DatePicker aria-label={t('date')} format="DD/MM/YYYY" value={at} onChange={setAt} />
        <Button type="primary" onClick={() => save('xlsx')} loading={fetching?.format === 'xlsx'} disabled={!!fetching} data-testid="export-xlsx">
          {t('exportXlsx')}
        </Button>
        <Button onClick={() => save('csv')} loading={fetching?.format === 'csv'} disabled={!!fetching}>
          CSV
        </Button>
        <Button href={downloadUrl(`/api/reports/${name}`, { ...params, format: 'html' })} target="_blank">
          {t('print')}
        </Button>
      </Space>
      {fetching && (
        <Progress
          aria-label={t('exportXlsx')}
          percent={fetching.percent ?? 100}
          status="active"
          format={() => (fetching.percent === null ? `${num(Math.round(fetching.bytes / 1024))} KB` : `${fetching.percent} %`)}
          style={{ maxWidth: 400 }}
        />
      )}
      {error && <Alert type="error" message={error} />}
      {text && <Alert type="info" message={<div style={{ whiteSpace: 'pre-wrap' }}>{text}</div>} />}
      {rows.length > 0 && <Table size="small" rowKey={(r) => JSON.stringify(r)} dataSource={rows} columns={columns} pagination={{ pageSize: 50, hideOnSinglePage: true }} scroll={{ x: true }} />}
    </Space>
  );
}
