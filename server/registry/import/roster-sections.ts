import { canonicalLine, FIELD_SEPARATOR as US } from '../canonical';
import { ALLOWED_WORDS, cleanConsent, cleanGender, cleanStatus, cleanText } from '../normalize';
import type { ProgramLabels as Program } from '../programs';
import { AUDITEE_COLUMNS_SQL, CONTACT_COLUMNS_SQL } from '../roster-repository';
import type { AuditeeField, ContactField } from './file-kinds';
import type { GridPlaces } from './grid-places';
import { shown } from './import-problems';
import { MAX_LENGTH } from './row-reader';
import type { RosterSection } from './section-loop';

/** The auditee list: each row's fields checked, and its place against the county grid. */
export function auditeeSection(places: GridPlaces): RosterSection<AuditeeField> {
  return {
    name: 'auditees',
    columnsSql: AUDITEE_COLUMNS_SQL,
    line(reader, number) {
      const name = reader.name('name', MAX_LENGTH.name, true);
      const genderRaw = reader.word('gender');
      const gender = cleanGender(genderRaw);
      if (gender === undefined)
        reader.problem(
          'gender',
          'INVALID_GENDER',
          `性别「${shown(cleanText(genderRaw))}」无法识别：只接受 ${ALLOWED_WORDS.gender}`,
        );
      const unit = reader.text('unit', MAX_LENGTH.unit, true);
      const industry = reader.text('industry', MAX_LENGTH.industry, false);
      const post = reader.text('post', MAX_LENGTH.post, false);
      const town = reader.text('town', MAX_LENGTH.place, true);
      const area = reader.text('area', MAX_LENGTH.place, false);
      const village = reader.text('village', MAX_LENGTH.place, false);
      reader.place(places, town, area, village, false);
      const phone = reader.phone('phone');
      const statusRaw = reader.word('status');
      const status = cleanStatus(statusRaw);
      if (status === undefined) {
        reader.problem(
          'status',
          'INVALID_STATUS',
          `状态「${shown(cleanText(statusRaw))}」无法识别：只接受 ${ALLOWED_WORDS.status}`,
        );
      }
      return canonicalLine([
        number,
        name,
        gender ?? '',
        unit,
        industry,
        post,
        town,
        area,
        village,
        phone,
        status ?? '',
      ]);
    },
  };
}

/**
 * The contact list: each row's fields checked, its place against the county grid (down to the
 * village), and its auditee against the new version's auditee numbers.
 */
export function contactSection(
  places: GridPlaces,
  /** The new version's auditee numbers; undefined when they are not all known (no check then). */
  auditeeNumbers: ReadonlySet<string> | undefined,
  program: Program,
): RosterSection<ContactField> {
  let knownAuditee = '';
  return {
    name: 'contacts',
    columnsSql: CONTACT_COLUMNS_SQL,
    line(reader, number) {
      const name = reader.name('name', MAX_LENGTH.name, true);
      const town = reader.text('town', MAX_LENGTH.place, true);
      const area = reader.text('area', MAX_LENGTH.place, false);
      const village = reader.text('village', MAX_LENGTH.place, true);
      reader.place(places, town, area, village, true);
      const phone = reader.phone('phone');
      const auditeeNumber = reader.number('auditeeNumber', true);
      // Households of one cadre usually come together: look the cadre up once per run of rows.
      if (auditeeNumber === knownAuditee || auditeeNumbers === undefined) {
        // checked on an earlier row, or not checkable (auditeeNumbers above)
      } else if (auditeeNumbers.has(auditeeNumber)) {
        knownAuditee = auditeeNumber;
      } else if (auditeeNumber !== '') {
        reader.problem(
          'auditeeNumber',
          'DANGLING_AUDITEE',
          `联系${program.auditeeLabel}编号 ${shown(auditeeNumber)} 在${program.auditeeLabel}名单中不存在`,
        );
      }
      const consentRaw = reader.word('consent');
      const consent = cleanConsent(consentRaw);
      if (consent === undefined) {
        reader.problem(
          'consent',
          'INVALID_CONSENT',
          `同意上镜「${shown(cleanText(consentRaw))}」无法识别：只接受 ${ALLOWED_WORDS.consent}`,
        );
      }
      // The canonical line, written out: this runs once per contact (300,000 in the demo).
      return (
        number +
        US +
        name +
        US +
        town +
        US +
        area +
        US +
        village +
        US +
        phone +
        US +
        auditeeNumber +
        US +
        (consent ?? '') +
        '\n'
      );
    },
  };
}
