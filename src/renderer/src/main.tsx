import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { takeTokenFromUrl } from './api';
import { Root } from './Root';
import './styles.css';
import './styles-runs-form.css';
import './styles-run-detail.css';
import './styles-variants.css';

// Before anything renders or navigates: browser mode's token leaves the address bar at once.
takeTokenFromUrl();

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element.');
createRoot(container).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
