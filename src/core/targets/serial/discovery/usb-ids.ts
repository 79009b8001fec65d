/**
 * Boards recognized by the USB ids of their serial interface. A USB-UART bridge names the bridge,
 * not the chip behind it, so those entries say which boards usually carry it. Sources: Espressif's
 * esptool-js (ESPRESSIF_VID 0x303a, USB_JTAG_SERIAL_PID 0x1001), Linux's ftdi_sio_ids.h (FTDI PIDs),
 * and the ST-LINK udev rules shipped with STM32 tooling (V2-1: 374b/3752, V3: 374e/374f/3753).
 */

export type BoardFamily = 'esp32' | 'stm32' | 'arduino' | 'usb-uart';

export interface UsbBoardId {
  /** Lower-case hex, 4 digits: "303a". */
  vendorId: string;
  /** Lower-case hex; undefined matches any product of the vendor. */
  productId?: string;
  /** What the studio says it found: "Espressif ESP32-S3/C3/C6 (native USB-Serial/JTAG)". */
  name: string;
  family: BoardFamily;
}

export const USB_BOARD_IDS: readonly UsbBoardId[] = [
  // USB-Serial/JTAG is built into ESP32-S3, C3, C6 and H2 with the same ids, so the chip is not told apart here.
  { vendorId: '303a', productId: '1001', name: 'Espressif ESP32-S3/C3/C6 (native USB-Serial/JTAG)', family: 'esp32' },
  { vendorId: '303a', name: 'Espressif ESP32-S2/S3 (native USB-OTG)', family: 'esp32' },
  { vendorId: '10c4', productId: 'ea60', name: 'Silicon Labs CP210x USB-UART (ESP32 dev boards)', family: 'usb-uart' },
  { vendorId: '1a86', productId: '7523', name: 'WCH CH340 USB-UART (ESP32 and Arduino-compatible boards)', family: 'usb-uart' },
  { vendorId: '1a86', productId: '55d4', name: 'WCH CH9102 USB-UART (ESP32 dev boards)', family: 'usb-uart' },
  { vendorId: '0403', productId: '6001', name: 'FTDI FT232R USB-UART', family: 'usb-uart' },
  { vendorId: '0403', productId: '6010', name: 'FTDI FT2232 dual USB-UART (ESP-WROVER-KIT, JTAG adapters)', family: 'usb-uart' },
  { vendorId: '0403', productId: '6011', name: 'FTDI FT4232H quad USB-UART', family: 'usb-uart' },
  { vendorId: '0403', productId: '6014', name: 'FTDI FT232H USB-UART', family: 'usb-uart' },
  { vendorId: '0403', productId: '6015', name: 'FTDI FT-X USB-UART', family: 'usb-uart' },
  { vendorId: '0483', productId: '374b', name: 'STM32 board (ST-LINK/V2-1 virtual COM port)', family: 'stm32' },
  { vendorId: '0483', productId: '3752', name: 'STM32 board (ST-LINK/V2-1 virtual COM port)', family: 'stm32' },
  { vendorId: '0483', productId: '374e', name: 'STM32 board (STLINK-V3 virtual COM port)', family: 'stm32' },
  { vendorId: '0483', productId: '374f', name: 'STM32 board (STLINK-V3 virtual COM port)', family: 'stm32' },
  { vendorId: '0483', productId: '3753', name: 'STM32 board (STLINK-V3 virtual COM port)', family: 'stm32' },
  { vendorId: '2341', name: 'Arduino board', family: 'arduino' },
];

/** "0x10C4", "10C4" and "10c4" all become "10c4"; undefined or junk stays undefined. */
export function normalizeUsbId(id: string | undefined): string | undefined {
  if (id === undefined) return undefined;
  const hex = id.trim().toLowerCase().replace(/^0x/, '');
  return /^[0-9a-f]{1,4}$/.test(hex) ? hex.padStart(4, '0') : undefined;
}

/** The most specific entry for these ids (vendor + product before vendor alone), if any. */
export function recognizeUsbBoard(vendorId: string | undefined, productId: string | undefined): UsbBoardId | undefined {
  const vid = normalizeUsbId(vendorId);
  const pid = normalizeUsbId(productId);
  if (vid === undefined) return undefined;
  return (
    USB_BOARD_IDS.find((entry) => entry.vendorId === vid && entry.productId !== undefined && entry.productId === pid) ??
    USB_BOARD_IDS.find((entry) => entry.vendorId === vid && entry.productId === undefined)
  );
}
