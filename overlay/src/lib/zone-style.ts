import { GRAPHIC_ZONE, type Graphic } from '$protocol/show';

/** A graphic's box is its declared zone (frame pixels): one source, the protocol, for every stage. */
export function zoneStyle(graphic: Graphic): string {
  const zone = GRAPHIC_ZONE[graphic];
  return `left:${zone.x}px;top:${zone.y}px;width:${zone.w}px;height:${zone.h}px`;
}
