import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Root } from './Root';
import './styles.css';
import './styles-runs-form.css';
import './styles-run-detail.css';
import './styles-variants.css';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element.');
createRoot(container).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
